#!/usr/bin/env python
"""Run the notebooks' tests the way `nbdev_test` does, and count test cells.

nbdev_test reports only pass/fail per notebook. This runner uses the same pieces (nbdev's notebook processor for
directives, execnb's CaptureShell, the `tst_flags` of settings.ini) and counts code cells: a cell that runs
without error passed, the cell that raised failed, and flagged cells, `#| eval: false` cells and cells after a
failure are skipped. It ends with one line `N passed, N failed, N skipped` and exits non-zero on any failure.
`--save` writes the outputs back into the notebooks, so the docs show plots and sample text.
Usage: python tools/test_nbs.py [NOTEBOOK ...] [--flags "slow gpu"] [--workers 2] [--save]
"""
import argparse, multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

def _is_skipped(cell, flags):
    direc = getattr(cell, 'directives_', {}) or {}
    if direc.get('eval:', [''])[0].lower() == 'false': return True
    return bool(flags & direc.keys())

def run_notebook(fn, flags, save=False):
    "Execute `fn`; return (name, passed, failed, skipped, seconds, error text). `save`: write the outputs back."
    os.environ["IN_TEST"] = "1"
    from execnb.shell import CaptureShell
    from nbdev.process import NBProcessor
    from nbdev.frontmatter import FrontmatterProc
    from fastcore.xtras import working_directory
    fn = Path(fn).resolve()
    nb = NBProcessor(fn, procs=FrontmatterProc, process=True).nb
    code = [c for c in nb.cells if c.cell_type == 'code' and 'nbdev_export' + '(' not in c.source]
    counts, err, start = dict(passed=0, failed=0, skipped=0), '', time.time()
    shell = CaptureShell(fn)
    with working_directory(fn.parent):
        for cell in code:
            if counts['failed'] or _is_skipped(cell, flags): counts['skipped'] += 1; continue
            shell.cell(cell)
            if shell.exc:
                counts['failed'] += 1
                err = shell.prettytb(fname=fn)
            else: counts['passed'] += 1
    if save and not counts['failed']: _save_outputs(fn, nb)
    return fn.name, counts['passed'], counts['failed'], counts['skipped'], time.time() - start, err

def _shown(output)->bool:
    "Progress bars and library warnings on stderr are noise in the docs; a command's own error messages are kept."
    if output.get('name') != 'stderr': return True
    text = ''.join(output.get('text', ''))
    return '\r' not in text and 'Warning' not in text

def _save_outputs(fn, ran):
    "Copy the outputs of the executed cells into the notebook file (skipped cells keep theirs)."
    from execnb.nbio import read_nb, write_nb
    outputs = {c.source.strip(): [o for o in c.outputs if _shown(o)] for c in ran.cells if c.cell_type == 'code' and 'outputs' in c}
    nb = read_nb(fn)
    for cell in nb.cells:
        if cell.cell_type == 'code' and cell.source.strip() in outputs: cell.outputs = outputs[cell.source.strip()]
    write_nb(nb, fn)

def main():
    from nbdev.config import get_config
    from nbdev.doclinks import nbglob
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='*', help='notebooks to run (default: all under nbs/)')
    ap.add_argument('--flags', default='', help='test flags to run that are normally skipped, e.g. "slow"')
    ap.add_argument('--workers', type=int, default=2, help='notebooks run at the same time')
    ap.add_argument('--save', action='store_true', help='write the outputs into the notebooks (for the docs)')
    a = ap.parse_args()
    cfg = get_config()
    flags = set(cfg.get('tst_flags', '').split()) - set(a.flags.split())
    fns = a.notebooks or sorted(nbglob(cfg.nbs_path, skip_file_re='^_'))
    start, totals = time.time(), [0, 0, 0]
    # one fresh process per notebook: IPython replaces sys.modules['__main__'], and notebooks must not share state
    with ProcessPoolExecutor(a.workers, mp_context=multiprocessing.get_context('spawn'), max_tasks_per_child=1) as ex:
        for name, p, f, s, secs, err in ex.map(run_notebook, fns, [flags] * len(fns), [a.save] * len(fns)):
            print(f"{'FAIL' if f else 'ok  '} {name:40s} {p:3d} passed {f:2d} failed {s:3d} skipped {secs:6.1f}s", flush=True)
            if err: print(err, file=sys.stderr)
            totals = [t + x for t, x in zip(totals, (p, f, s))]
    print(f"test run: {time.time() - start:.0f}s over {len(fns)} notebooks")
    print(f"{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    sys.exit(1 if totals[1] else 0)

if __name__ == '__main__': main()
