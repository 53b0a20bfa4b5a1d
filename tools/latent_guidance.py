#!/usr/bin/env python
"""What does skipping the denoiser's Jacobian (`guidance_grad="x0"`) cost? Latent-space figures, no decoding.

For held-out prefixes of a `dglm prepare` folder, the diffusion model samples one continuation embedding per prefix,
guided toward each target at each strength, once with the exact gradient (back through the denoiser) and once with
the x0 shortcut. Reported per setting: the guiding classifier's mean p(target) (how hard the sampler is steered),
the Fréchet distance to real held-out continuation embeddings and the mean cosine with the prefix's own continuation
(how far steering pushes samples off the data and away from the prefix), and the sampling time.
Usage: python tools/latent_guidance.py --data DATA [--checkpoint DIR] [--n 512] [--strengths 10,20] [--out FILE.json]
"""
import argparse, json, sys, time
from pathlib import Path
import torch, torch.nn.functional as F
from dglm.pipeline import DGLMPipeline
from dglm.diffusion import sample
from dglm.guidance import guidance_wrapper, parse_steer
sys.path.insert(0, str(Path(__file__).parent))
from latent_steps import frechet, heldout

TARGETS = ("toxicity=nontoxic", "sentiment=positive", "sentiment=negative", "topic=sports", "topic=science")

def sample_raw(pipe, cond, steer, strength, grad, seed=0, clf=None):
    "Raw L2-normalised sampled embeddings, (B, d), and the seconds sampling took; `clf` guides instead of the pipeline's."
    sc, wrapper = pipe.preset.sample, None
    if steer and strength > 0:
        attr, target = parse_steer(steer)
        wrapper = guidance_wrapper({attr: clf or pipe.classifiers[attr]}, {attr: target}, pipe.standardizer, strength,
                                   posterior_samples=sc.posterior_samples, through_denoiser=grad == "denoiser",
                                   generator=torch.Generator().manual_seed(seed + 1))   # as the pipeline seeds them
    t = time.perf_counter()
    x = sample(pipe.diffusion, cond, steps=sc.steps, sampler=sc.sampler, cfg=sc.cfg, eta=sc.eta, denoise_wrapper=wrapper,
               generator=torch.Generator().manual_seed(seed))
    return F.normalize(pipe.standardizer.invert(x), dim=-1), time.perf_counter() - t

def p_target(pipe, raw, steer):
    attr, target = parse_steer(steer); clf = pipe.classifiers[attr]
    return float(clf.predict_proba(raw)[:, clf.target_index(target)].mean())

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True); ap.add_argument("--checkpoint", default="dglm/checkpoints/small")
    ap.add_argument("--n", type=int, default=512); ap.add_argument("--strengths", default="10,20")
    ap.add_argument("--targets", default=",".join(TARGETS)); ap.add_argument("--out", default=None)
    a = ap.parse_args(); torch.set_grad_enabled(False)
    pipe = DGLMPipeline.from_pretrained(a.checkpoint)
    pre, cont = heldout(a.data, a.n)
    cond, res = pipe.standardizer(pre), {}
    def record(key, raw, secs, steer):
        res[key] = dict(p_target=p_target(pipe, raw, steer), fd=frechet(raw, cont),
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
