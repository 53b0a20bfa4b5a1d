#!/usr/bin/env python
"""Collect decoder-stage validation curves (continuation NLL per token with the true embedding, a shuffled one and
none, logged at every evaluation by `dglm.stages.DecoderStage`) from training runs into one JSON file and a plot.

Each RUN is LABEL=PIPE: the curve is read from PIPE/train_state/decoder/state.json. Examples seen = step x batch size.
Usage: python tools/decoder_curves.py OUT.json "bag-of-words=/work/pipe-A" "paper loss=/work/pipe-B" [--png OUT.png]
`--keep` keeps the runs already in OUT.json (curves of pipelines that no longer exist) and adds or replaces the
given ones.
"""
import argparse, json
from pathlib import Path

def curve(pipe:str)->dict:
    s = json.loads((Path(pipe)/"train_state"/"decoder"/"state.json").read_text())
    pts = [h for h in s["history"] if "val_loss_shuffled" in h]
    return dict(batch_size=s["batch_size"], max_steps=s["max_steps"], step=[h["step"] for h in pts],
                examples=[h["step"] * s["batch_size"] for h in pts],
                **{k: [round(h[k], 4) for h in pts] for k in ("val_loss", "val_loss_shuffled", "val_loss_none")})

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out"); ap.add_argument("runs", nargs="+", help="LABEL=PIPE"); ap.add_argument("--png")
    ap.add_argument("--keep", action="store_true", help="keep the runs already in OUT")
    a = ap.parse_args()
    old = json.loads(Path(a.out).read_text()) if a.keep and Path(a.out).exists() else {}
    runs = {**old, **{r.split("=", 1)[0]: curve(r.split("=", 1)[1]) for r in a.runs}}
    Path(a.out).write_text(json.dumps(runs, indent=1))
    if a.png:
        import matplotlib; matplotlib.use("Agg")
        from dglm.diagnostics import plot_conditioning
        plot_conditioning(runs, a.png)
    for k, r in runs.items(): print(k, list(zip(r["step"], r["val_loss"], r["val_loss_shuffled"], r["val_loss_none"])))

if __name__ == "__main__": main()
