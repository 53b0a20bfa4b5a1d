#!/usr/bin/env python
"""How close are sampled continuation embeddings to real ones, by number of sampling steps? No decoding, so the
figures have little noise, unlike judge perplexity on a few dozen decoded samples.

For every held-out (validation + test) prefix of a `dglm prepare` folder, the diffusion model samples one
continuation embedding (unguided, the checkpoint's sampler), per seed and number of steps. Reported: the Fréchet
distance between sampled and real continuation embeddings (both L2-normalised), the mean cosine between each sample
and its own prefix's real continuation, and the mean norm of the raw sample (real embeddings have norm 1), with two
references: training continuations (the distance of real text to real text) and the prefix embedding itself.
Usage: python tools/latent_steps.py --data DATA [--checkpoint DIR] [--steps 5,10,20,50] [--seeds 2] [--out FILE.json]
"""
import argparse, json, time
import numpy as np, torch, torch.nn.functional as F
from datasets import load_from_disk
from dglm.pipeline import DGLMPipeline
from dglm.latent import frechet, heldout_embeddings

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True); ap.add_argument("--checkpoint", default="dglm/checkpoints/small")
    ap.add_argument("--steps", default="5,10,20,50"); ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--out", default=None)
    a = ap.parse_args(); torch.set_grad_enabled(False)
    pipe = DGLMPipeline.from_pretrained(a.checkpoint); sc = pipe.preset.sample
    pre, cont = heldout_embeddings(a.data)
    train = torch.tensor(load_from_disk(f"{a.data}/lm")["train"][:len(cont)]["cont_emb"]).float()
    res = {"reference: train continuations": dict(fd=frechet(train, cont), cos_true=float(F.cosine_similarity(train, cont).mean())),
           "reference: the prefix itself": dict(fd=frechet(pre, cont), cos_true=float(F.cosine_similarity(pre, cont).mean()))}
    for k, v in res.items(): print(k, {n: round(x, 4) for n, x in v.items()}, flush=True)
    cond = pipe.standardizer(pre)
    for steps in map(int, a.steps.split(",")):
        fds, coss, norms, t = [], [], [], time.time()
        for seed in range(a.seeds):
            x = pipe.sample_embeddings(cond, steps=steps, seed=seed)
            norms.append(float(pipe.standardizer.invert(x).norm(dim=-1).mean())); raw = pipe.standardizer.to_sphere(x)
            fds.append(frechet(raw, cont)); coss.append(float(F.cosine_similarity(raw, cont).mean()))
        res[f"steps={steps}"] = dict(fd=float(np.mean(fds)), fd_sd=float(np.std(fds)), cos_true=float(np.mean(coss)),
                                     cos_sd=float(np.std(coss)), raw_norm=float(np.mean(norms)),
                                     s_per_seed=(time.time() - t) / a.seeds)
        print(f"steps={steps}", {n: round(x, 4) for n, x in res[f"steps={steps}"].items()}, flush=True)
    res["meta"] = dict(examples=len(cont), seeds=a.seeds, sampler=sc.sampler, eta=sc.eta, checkpoint=a.checkpoint)
    if a.out:
        with open(a.out, "w") as f: json.dump(res, f, indent=1)

if __name__ == "__main__": main()
