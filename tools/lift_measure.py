#!/usr/bin/env python
"""`slice` or `dense` conditioning (09_diffusion)? Compare diffusion runs trained on the same data, seed and steps.

Each RUN is a folder written by `dglm train --stage diffusion --set diffusion.conditioning=...`. Reported per run:
parameters, seconds per training step (the loop's own examples/s, evaluation excluded), the held-out diffusion loss the
stage logged (EMA weights), and sample quality on held-out prefixes without decoding: one unguided sample per prefix with
the preset's sampler and steps, its Fréchet distance to the real continuation embeddings and its mean cosine to its own
continuation (both L2-normalised), averaged over seeds; the spread of the samples (trace of their covariance over that of the
real continuations, and the cosine between two seeds' samples for one prefix), to tell a sharper from a narrower model; and a
step time measured here with the runs' models interleaved (so both see the same load). References: training continuations
and the prefix itself in place of samples. A plot of validation loss against steps goes to PLOT.
Usage: python tools/lift_measure.py --data DATA --runs slice=DIR dense=DIR [--n 1024] [--seeds 3] [--out FILE.json] [--plot FILE.png]
"""
import argparse, json, time
from pathlib import Path
import numpy as np, torch, torch.nn.functional as F
import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
from datasets import load_from_disk
from safetensors.torch import load_file
from dglm.core import Preset
from dglm.encoder import Standardizer
from dglm.pipeline import DGLMPipeline
from dglm.latent import frechet, heldout_embeddings

def load_run(folder):
    "A pipeline around the run's EMA diffusion weights (the decoder stays untrained), and the loop's history."
    folder = Path(folder)
    preset = Preset.from_dict(json.loads((folder/"config.json").read_text())["preset"])
    pipe = DGLMPipeline.from_components(preset, Standardizer.load(folder/"stats.safetensors"), device="cpu")
    pipe.diffusion.load_state_dict(load_file(folder/"diffusion"/"model.safetensors"))
    hist = json.loads((folder/"train_state"/"diffusion"/"state.json").read_text())["history"]
    return pipe, hist

def spread(x):
    "Total variance of rows: the trace of their covariance."
    return float(x.double().var(0).sum())

def quality(pipe, pre, cont, seeds):
    "Fréchet distance and mean cosine to the true continuation of unguided samples (mean and sd over seeds), and their spread."
    cond, fds, coss, raws = pipe.standardizer(pre), [], [], []
    for seed in range(seeds):
        raws.append(raw := pipe.standardizer.to_sphere(pipe.sample_embeddings(cond, seed=seed)))
        fds.append(frechet(raw, cont)); coss.append(float(F.cosine_similarity(raw, cont).mean()))
    return dict(fd=float(np.mean(fds)), fd_sd=float(np.std(fds)), cos_true=float(np.mean(coss)), cos_sd=float(np.std(coss)),
                spread_ratio=spread(raws[0]) / spread(cont), cos_pair=float(F.cosine_similarity(raws[0], raws[1]).mean()))

def step_time(models, batch, rounds=6):
    "Seconds per training step (forward, backward, AdamW) of each model on random data, the models taking turns."
    from dglm.diffusion import diffusion_loss
    from dglm.schedule import AdaptiveTimeSampler
    x, c, t = torch.randn(batch, models[0].cfg.latent_dim), torch.randn(batch, models[0].cfg.latent_dim), [[] for _ in models]
    with torch.enable_grad():
        for r in range(rounds + 1):
            for i, m in enumerate(models):
                m.train(); opt, ts, t0 = torch.optim.AdamW(m.parameters()), AdaptiveTimeSampler(-15, 15), time.perf_counter()
                loss, _ = diffusion_loss(m, x, c, ts); loss.backward(); opt.step(); m.zero_grad(); m.eval()
                if r: t[i].append(time.perf_counter() - t0)     # round 0 warms up
    return [float(np.median(v)) for v in t]

def summary(pipe, hist, batch):
    "Parameters, step time and the logged validation losses of one run."
    vals = [(h["step"], h["val_loss"]) for h in hist if "val_loss" in h]
    rates = [h["examples_per_s"] for h in hist if "examples_per_s" in h]
    return dict(conditioning=pipe.preset.diffusion.conditioning, ff_mult=pipe.preset.diffusion.ff_mult, params=sum(p.numel() for p in pipe.diffusion.parameters()),
                steps=hist[-1]["step"], s_per_step=float(np.median([batch / r for r in rates])),
                val_loss=vals[-1][1], val_loss_raw=[h for h in hist if "val_loss_raw" in h][-1]["val_loss_raw"], val_curve=vals)

def plot(res, path):
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    for name, r in res.items(): ax.plot(*zip(*r["val_curve"]), marker=".", label=f"{name} ({r['params']/1e6:.1f} M)")
    ax.set(xlabel="optimiser step (batch 64)", ylabel="held-out diffusion loss (EMA)", title="small preset: slice vs dense conditioning")
    ax.legend(); fig.tight_layout(); fig.savefig(path)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True); ap.add_argument("--runs", nargs="+", required=True)
    ap.add_argument("--n", type=int, default=1024); ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", default="results/small-cpu/issue18/lift_measure.json"); ap.add_argument("--plot", default="nbs/images/lift_val_loss.png")
    a = ap.parse_args(); torch.set_grad_enabled(False)
    pre, cont = heldout_embeddings(a.data, n=a.n)
    res = {}
    train = torch.tensor(load_from_disk(f"{a.data}/lm")["train"][:len(cont)]["cont_emb"]).float()
    refs = {"reference: training continuations": train, "reference: the prefix itself": pre}
    refs = {k: dict(fd=frechet(v, cont), cos_true=float(F.cosine_similarity(v, cont).mean()), spread_ratio=spread(v) / spread(cont))
            for k, v in refs.items()}
    res, models = {}, []
    for name, folder in (r.split("=", 1) for r in a.runs):
        pipe, hist = load_run(folder)
        res[name] = dict(summary(pipe, hist, pipe.preset.train_diffusion.batch_size), **quality(pipe, pre, cont, a.seeds))
        models.append(pipe.diffusion); print(name, {k: v for k, v in res[name].items() if k != "val_curve"}, flush=True)
    for name, s in zip(res, step_time(models, pipe.preset.train_diffusion.batch_size)): res[name]["s_per_step_interleaved"] = s
    sc = pipe.preset.sample
    res.update(refs)
    res["meta"] = dict(data=a.data, examples=len(cont), seeds=a.seeds, sampler=sc.sampler, steps=sc.steps, eta=sc.eta)
    Path(a.out).write_text(json.dumps(res, indent=1))
    plot({k: v for k, v in res.items() if "val_curve" in v}, a.plot)

if __name__ == "__main__": main()
