#!/usr/bin/env python
"""Collect decoder-stage validation curves (continuation NLL per token with the true embedding, a shuffled one and
none, logged at every evaluation by `dglm.train.DecoderStage`) from training runs into one JSON file and a plot.

Each RUN is LABEL=PIPE: the curve is read from PIPE/train_state/decoder/state.json. Examples seen = step x batch size.
Usage: python tools/decoder_curves.py OUT.json "bag-of-words=/work/pipe-A" "paper loss=/work/pipe-B" [--png OUT.png]
"""
import argparse, json
from pathlib import Path

def curve(pipe:str)->dict:
    s = json.loads((Path(pipe)/"train_state"/"decoder"/"state.json").read_text())
    pts = [h for h in s["history"] if "val_loss_shuffled" in h]
    return dict(batch_size=s["batch_size"], max_steps=s["max_steps"], step=[h["step"] for h in pts],
                examples=[h["step"] * s["batch_size"] for h in pts],
                **{k: [round(h[k], 4) for h in pts] for k in ("val_loss", "val_loss_shuffled", "val_loss_none")})

def plot(runs:dict, path):
    import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.6))
    for (label, r), c in zip(runs.items(), ("#31a354", "#3182bd", "#756bb1")):
        ax[0].plot(r["examples"], r["val_loss"], "o-", color=c, label=f"{label}: true embedding")
        ax[0].plot(r["examples"], r["val_loss_shuffled"], "x--", color=c, label=f"{label}: shuffled")
        ax[0].plot(r["examples"], r["val_loss_none"], ":", color=c, label=f"{label}: no soft prompt")
        ax[1].plot(r["examples"], [s - t for s, t in zip(r["val_loss_shuffled"], r["val_loss"])], "o-", color=c, label=label)
    ax[0].set(xlabel="training examples seen", ylabel="validation NLL / token", title="continuation NLL")
    ax[1].axhline(0, color="k", lw=0.5)
    ax[1].set(xlabel="training examples seen", ylabel="NLL(shuffled) - NLL(true)", title="what the soft prompt tells the decoder")
    ax[0].legend(fontsize=7); ax[1].legend(fontsize=8); plt.tight_layout(); fig.savefig(path, dpi=110)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out"); ap.add_argument("runs", nargs="+", help="LABEL=PIPE"); ap.add_argument("--png")
    a = ap.parse_args()
    runs = {r.split("=", 1)[0]: curve(r.split("=", 1)[1]) for r in a.runs}
    Path(a.out).write_text(json.dumps(runs, indent=1))
    if a.png: plot(runs, a.png)
    for k, r in runs.items(): print(k, list(zip(r["step"], r["val_loss"], r["val_loss_shuffled"], r["val_loss_none"])))

if __name__ == "__main__": main()
