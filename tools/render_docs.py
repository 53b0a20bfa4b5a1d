#!/usr/bin/env python
"""Check the docs locally without Quarto: process the notebooks as the docs build does, render them to HTML,
and screenshot pages in headless Chromium.

The GitHub deploy workflow renders the site with Quarto, which cannot be installed on the project's machines.
This runs the same nbdev processing step (`nbdev.serve.proc_nbs`: directives, `#| hide`, show_doc, exports) into
`_proc/`, converts each processed notebook to standalone HTML with nbconvert into `_proc/html/`, and, with
`--screenshot PAGE ...`, writes PNGs of those pages with Debian's chromium (`apt-get install chromium`).
Usage: python tools/render_docs.py [--screenshot index 04_schedule tutorials/walkthrough]
"""
import argparse, subprocess, sys, shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROC, HTML = ROOT/'_proc', ROOT/'_proc'/'html'

def process():
    "Run nbdev's docs processors over nbs/ into _proc/ (what `nbdev_proc_nbs` does, minus installing Quarto)."
    from nbdev.serve import proc_nbs
    from nbdev.doclinks import _build_modidx
    _build_modidx()
    proc_nbs(n_workers=1, force=True)

def to_html() -> list:
    "Convert every processed notebook to HTML; return the pages that failed."
    failed = []
    for nb in sorted(PROC.rglob('*.ipynb')):
        if HTML in nb.parents: continue
        out = HTML/nb.relative_to(PROC).parent
        r = subprocess.run([sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'html', '--output-dir', str(out),
                            str(nb)], capture_output=True, text=True)
        print(f"{'ok  ' if r.returncode == 0 else 'FAIL'} {nb.relative_to(PROC)}")
        if r.returncode: failed.append(str(nb)); print(r.stderr[-2000:])
    return failed

def screenshot(page:str) -> Path:
    "PNG of `_proc/html/PAGE.html` by headless Chromium."
    html, png = HTML/f'{page}.html', HTML/f'{page}.png'
    chromium = shutil.which('chromium') or sys.exit('install chromium: apt-get install chromium')
    subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                    '--disable-background-networking', '--disable-component-update', '--disable-sync',
                    '--hide-scrollbars', '--window-size=1200,2400', f'--screenshot={png}', html.as_uri()],
                   check=True, capture_output=True)
    print(f"screenshot {png}")
    return png

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--screenshot', nargs='*', default=[], help='pages (relative to nbs/, no suffix) to screenshot')
    a = ap.parse_args()
    process()
    failed = to_html()
    for page in a.screenshot: screenshot(page)
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()
