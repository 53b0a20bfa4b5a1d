#!/usr/bin/env python
"""What does skipping the denoiser's Jacobian (`guidance_grad="x0"`) cost? Latent-space figures, no decoding.

For held-out prefixes of a `dglm prepare` folder, the diffusion model samples one continuation embedding per prefix,
guided toward each target at each strength, once with the exact gradient (back through the denoiser) and once with
the x0 shortcut. Reported per setting: the guiding classifier's mean p(target) (how hard the sampler is steered),
the Fréchet distance to real held-out continuation embeddings and the mean cosine with the prefix's own continuation
(how far steering pushes samples off the data and away from the prefix), and the sampling time.
Usage: python tools/latent_guidance.py --data DATA [--checkpoint DIR] [--n 512] [--strengths 10,20] [--out FILE.json]
"""
import argparse, json, time
import torch, torch.nn.functional as F
from dglm.pipeline import DGLMPipeline
from dglm.latent import frechet, heldout_embeddings, target_probability

TARGETS = ("toxicity=nontoxic", "sentiment=positive", "sentiment=negative", "topic=sports", "topic=science")

def sample_raw(pipe, cond, steer, strength, grad, seed=0):
    "Raw unit-norm sampled embeddings, (B, d), and the seconds sampling took."
    t = time.perf_counter()
    x = pipe.sample_embeddings(cond, steer=steer, strength=strength, guidance_grad=grad, seed=seed)
    return pipe.standardizer.to_sphere(x), time.perf_counter() - t

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True); ap.add_argument("--checkpoint", default="dglm/checkpoints/small")
    ap.add_argument("--n", type=int, default=512); ap.add_argument("--strengths", default="10,20")
    ap.add_argument("--targets", default=",".join(TARGETS)); ap.add_argument("--out", default=None)
    a = ap.parse_args(); torch.set_grad_enabled(False)
    pipe = DGLMPipeline.from_pretrained(a.checkpoint)
    pre, cont = heldout_embeddings(a.data, a.n)
    cond, res = pipe.standardizer(pre), {}
    def record(key, raw, secs, steer):
        res[key] = dict(p_target=target_probability(pipe, raw, steer), fd=frechet(raw, cont),
                        cos_true=float(F.cosine_similarity(raw, cont).mean()), s=secs)
        print(key, {k: round(v, 4) for k, v in res[key].items()}, flush=True)
    raw0, t0 = sample_raw(pipe, cond, None, 0, "denoiser")
    for steer in a.targets.split(","):
        record(f"{steer} unguided", raw0, t0, steer)
        for s in map(float, a.strengths.split(",")):
            for grad in ("denoiser", "x0"):
                raw, secs = sample_raw(pipe, cond, steer, s, grad); record(f"{steer} s={s:g} {grad}", raw, secs, steer)
    sc = pipe.preset.sample
    res["meta"] = dict(examples=a.n, steps=sc.steps, posterior_samples=sc.posterior_samples, sampler=sc.sampler,
                       checkpoint=a.checkpoint, threads=torch.get_num_threads())
    if a.out:
        with open(a.out, "w") as f: json.dump(res, f, indent=1)

if __name__ == "__main__": main()
