#!/usr/bin/env python
"""The decoder issue's measurements on real data: the decoder stage's throughput (fp32 / bf16 / length buckets) against
the matmul peak measured in the same run, and the recipes of `dglm.recipes.RECIPES` trained for equal wall time.

Usage: python tools/decoder_study.py DATA OUT [--throughput-seconds 60] [--seconds 600] [--recipes NAME ...]
Writes OUT/throughput.{json,md}, OUT/recipes.json (resumable: finished recipes are kept), OUT/recipes.md and
OUT/recipes.png. Each recipe trains into OUT/<recipe>/ (a `fit` checkpoint the long run can resume).
"""
import argparse, json
from pathlib import Path
import matplotlib; matplotlib.use("Agg")
from dglm.core import get_preset
from dglm import recipes as R

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data"); ap.add_argument("out")
    ap.add_argument("--throughput-seconds", type=float, default=60, help="per variant; 0 skips the throughput table")
    ap.add_argument("--seconds", type=float, default=600, help="wall time per recipe; 0 skips the comparison")
    ap.add_argument("--recipes", nargs="*", help="names from dglm.recipes.RECIPES (default: all)")
    a = ap.parse_args()
    out, preset = Path(a.out), get_preset("small")
    out.mkdir(parents=True, exist_ok=True)
    if a.throughput_seconds:
        rows = R.decoder_throughput(preset, a.data, seconds=a.throughput_seconds)
        (out/"throughput.json").write_text(json.dumps(rows, indent=1))
        (out/"throughput.md").write_text(R.throughput_table(rows) + "\n"); print(R.throughput_table(rows), flush=True)
    if a.seconds:
        chosen = {k: R.RECIPES[k] for k in (a.recipes or R.RECIPES)}
        res = R.compare_recipes(preset, a.data, out, chosen, seconds=a.seconds)
        (out/"recipes.md").write_text(R.recipe_table(res) + "\n"); print(R.recipe_table(res))
        R.recipe_plot(res, out/"recipes.png")

if __name__ == "__main__": main()
