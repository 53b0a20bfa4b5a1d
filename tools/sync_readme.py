#!/usr/bin/env python
"""Keep README.md in sync with nbs/index.ipynb (its source), without Quarto.

`nbdev_readme` renders the index notebook with Quarto, which cannot be installed on the project's machines, so this
script writes README.md from the notebook itself: markdown cells verbatim, code cells as fenced Python blocks with
their text outputs. `--results metrics.json` first regenerates the results table between the markers
`<!-- results:start -->` and `<!-- results:end -->` in the notebook (via `dglm.report.results_table`), so the
table is never typed by hand. Images the notebook links relative to `nbs/` (as the docs site needs) are linked
relative to the repository root in README.md. `--check` exits 1 when README.md is out of date, or with `--results` when the table is not the one that
metrics.json gives (CI runs both).
"""
import argparse, json, re, sys
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parents[1]
INDEX, README = ROOT/'nbs'/'index.ipynb', ROOT/'README.md'
MARK = re.compile(r'(<!-- results:start -->\n).*?(\n<!-- results:end -->)', re.S)

def _hidden(src): return any(l.strip() in ('#| hide', '#|hide') for l in src.splitlines()[:3])

def render(nb) -> str:
    parts = []
    for c in nb.cells:
        if c.cell_type == 'markdown': parts.append(c.source)
        elif c.cell_type == 'code' and not _hidden(c.source):
            src = '\n'.join(l for l in c.source.splitlines() if not l.startswith('#|'))
            parts.append(f"```python\n{src}\n```")
            text = ''.join(o.get('text', '') or o.get('data', {}).get('text/plain', '') for o in c.get('outputs', []))
            if text.strip(): parts.append(f"```\n{text.rstrip()}\n```")
    return _root_links('\n\n'.join(parts).strip() + '\n')

def _root_links(md:str) -> str:
    "Rewrite `](path)` links to files under nbs/ so they work from the repository root."
    fix = lambda m: f"]({INDEX.parent.name}/{m.group(1)})" if (INDEX.parent/m.group(1)).is_file() else m.group(0)
    return re.sub(r'\]\((?![a-z]+:|/|#)([^)\s]+)\)', fix, md)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--check', action='store_true', help='exit 1 if README.md is not what the notebook gives')
    ap.add_argument('--results', help='metrics.json whose table replaces the one between the markers in index.ipynb')
    a = ap.parse_args()
    nb = nbformat.read(INDEX, as_version=4)
    if a.results:
        from dglm.report import results_table
        table = results_table(json.loads(Path(a.results).read_text()))
        cells = [c for c in nb.cells if c.cell_type == 'markdown' and MARK.search(c.source)]
        if not cells: sys.exit('index.ipynb has no <!-- results:start --> / <!-- results:end --> markers')
        new = MARK.sub(lambda m: m.group(1) + table.strip() + m.group(2), cells[0].source)
        if a.check and new != cells[0].source: sys.exit(f'the results table in index.ipynb is not the one {a.results} gives: '
                                                        f'run `python tools/sync_readme.py --results {a.results}`')
        if not a.check: cells[0].source = new; nbformat.write(nb, INDEX)
    text = render(nb)
    if a.check:
        if README.read_text() != text: sys.exit('README.md is out of date: run `python tools/sync_readme.py`')
        return
    README.write_text(text)

if __name__ == '__main__': main()
