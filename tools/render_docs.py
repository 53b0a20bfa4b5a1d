#!/usr/bin/env python
"""Check the docs locally without Quarto: process the notebooks as the docs build does, render them to HTML,
and screenshot pages in headless Chromium.

The GitHub deploy workflow renders the site with Quarto, which cannot be installed on the project's machines.
This runs the same nbdev processing step (`nbdev.serve.proc_nbs`: directives, `#| hide`, show_doc, exports) into
`_proc/`, converts each processed notebook to standalone HTML with nbconvert into `_proc/html/`, and, with
`--screenshot PAGE ...`, writes PNGs of those pages with Debian's chromium (`apt-get install chromium`).
Closer to what Quarto shows: the front matter becomes the page title, cells marked `#| echo: false` lose their
source, no In/Out prompts, and the maths is typeset by a local
MathJax 2 (`npm install mathjax@2` into the dglm cache, the version nbconvert's templates configure, done on first use when npm is there; the pages otherwise
load MathJax from a CDN, which these machines cannot reach).
Usage: python tools/render_docs.py [--screenshot index 07_schedule tutorials/walkthrough]
"""
import argparse, json, re, subprocess, sys, shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROC, HTML = ROOT/'_proc', ROOT/'_proc'/'html'

def process():
    "Run nbdev's docs processors over nbs/ into _proc/ (what `nbdev_proc_nbs` does, minus installing Quarto)."
    from nbdev.serve import proc_nbs
    from nbdev.doclinks import _build_modidx
    _build_modidx()
    proc_nbs(n_workers=1, force=True)

def local_mathjax() -> str|None:
    "file:// URL of a local MathJax 2 (installed with npm into the dglm cache on first use), or None."
    from dglm.core import cache_dir
    root = cache_dir()/'npm'
    js = root/'node_modules'/'mathjax'/'MathJax.js'
    if not js.exists() and shutil.which('npm'):
        subprocess.run(['npm', 'install', '--silent', '--prefix', str(root), 'mathjax@2'], capture_output=True)
    return js.as_uri() + '?config=TeX-AMS_CHTML-full' if js.exists() else None

def as_quarto_shows(nb:Path):
    "Approximate Quarto: front matter becomes a title, `#| echo: false` cells lose their source, pandoc link attributes go."
    d = json.loads(nb.read_text())
    for c in d['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'raw' and src.startswith('---'):
            title = re.search(r'^title: (.*)$', src, re.M)
            c.update(cell_type='markdown', source=f"# {title.group(1).strip(chr(39) + chr(34))}" if title else '')
        if c['cell_type'] == 'code' and '#| echo: false' in src:
            c.setdefault('metadata', {}).setdefault('tags', []).append('remove_input')
        for o in c.get('outputs', []):
            for k, v in o.get('data', {}).items():
                if k == 'text/markdown': o['data'][k] = re.sub(r'\{target="_blank"[^}]*\}', '', ''.join(v))
    nb.write_text(json.dumps(d))

def to_html() -> list:
    "Convert every processed notebook to HTML; return the pages that failed."
    failed, mathjax = [], local_mathjax()
    for nb in sorted(PROC.rglob('*.ipynb')):
        if HTML in nb.parents: continue
        as_quarto_shows(nb)
        out = HTML/nb.relative_to(PROC).parent
        opts = ['--no-prompt', '--TagRemovePreprocessor.enabled=True', '--TagRemovePreprocessor.remove_input_tags=remove_input']
        if mathjax: opts.append(f'--HTMLExporter.mathjax_url={mathjax}')
        r = subprocess.run([sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'html', *opts, '--output-dir', str(out),
                            str(nb)], capture_output=True, text=True)
        print(f"{'ok  ' if r.returncode == 0 else 'FAIL'} {nb.relative_to(PROC)}")
        if r.returncode: failed.append(str(nb)); print(r.stderr[-2000:])
    if (ROOT/'nbs'/'images').is_dir():   # pages link figures as images/x.png, as Quarto copies them
        shutil.copytree(ROOT/'nbs'/'images', HTML/'images', dirs_exist_ok=True)
    return failed

def screenshot(page:str) -> Path:
    "PNG of `_proc/html/PAGE.html` by headless Chromium."
    html, png = HTML/f'{page}.html', HTML/f'{page}.png'
    chromium = shutil.which('chromium') or sys.exit('install chromium: apt-get install chromium')
    subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                    '--disable-background-networking', '--disable-component-update', '--disable-sync',
                    '--hide-scrollbars', '--window-size=1200,2400', '--virtual-time-budget=10000', '--allow-file-access-from-files', f'--screenshot={png}', html.as_uri()],
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
