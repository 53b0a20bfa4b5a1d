#!/usr/bin/env python
"""Would a softer guidance classifier give text-level control? A trial, not a shipped setting.

The shipped sentiment classifier (logistic regression, C=1000) is so sharp that guidance at the default strength
satisfies it with a tiny step. This divides its weights and bias by a temperature T and multiplies the strength by
T (the same gradient at the decision boundary, but one that does not vanish as soon as the boundary is crossed),
then reports, for sentiment=positive over 512 held-out prefixes (no decoding): the shipped classifier's p(target),
the Fréchet distance to real continuation embeddings and the cosine with the unguided sample of the same noise; and
on text, the sentiment protocol of `dglm evaluate` (VADER and the neural judge, judge perplexity) for unguided DGLM
and both strengths, with the shipped and the softened classifier.
Usage: python tools/soft_classifier.py --data DATA [--checkpoint DIR] [--temperature 10] [--out FILE.json]
"""
import argparse, copy, json, tempfile
import torch, torch.nn.functional as F
from dglm.pipeline import DGLMPipeline
from dglm.evaluate import evaluate
from dglm.latent import frechet, heldout_embeddings, target_probability, with_classifier

STEER, STRENGTHS = "sentiment=positive", (10.0, 20.0)

def softened(clf, T:float):
    soft = copy.deepcopy(clf); soft.weight.div_(T); soft.bias.div_(T); return soft

def latent(pipe, data, clfs):
    pre, cont = heldout_embeddings(data, 512); cond = pipe.standardizer(pre)
    raw = lambda p, **kw: p.standardizer.to_sphere(p.sample_embeddings(cond, **kw))
    raw0, res = raw(pipe), {}
    for name, (clf, strengths) in clfs.items():
        for s in strengths:
            r = raw(with_classifier(pipe, "sentiment", clf), steer=STEER, strength=s)
            res[f"{name} s={s:g}"] = dict(p_target_shipped=target_probability(pipe, r, STEER), fd=frechet(r, cont),
                                          cos_unguided=float(F.cosine_similarity(r, raw0).mean()))
            print(f"{name} s={s:g}", {k: round(v, 4) for k, v in res[f"{name} s={s:g}"].items()}, flush=True)
    res["unguided"] = dict(p_target_shipped=target_probability(pipe, raw0, STEER), fd=frechet(raw0, cont), cos_unguided=1.0)
    return res

def text(pipe, data, clfs):
    res = {}
    for name, (clf, strengths) in clfs.items():
        with tempfile.TemporaryDirectory() as out:
            m = evaluate(with_classifier(pipe, "sentiment", clf), data, out, tasks=["sentiment"], systems=("dglm", "guided"),
                         strengths=strengths, quick=True, progress=False)
        for r in m["rows"]:
            row = res.setdefault(f"{name} {r['system']}", dict(pct_target=[], pct_target_neural=[], ppl_median=[]))
            for k in row: row[k].append(r[k])
    for k, row in res.items():
        res[k] = {m: sum(v) / len(v) for m, v in row.items()}
        print(k, {m: round(v, 1) for m, v in res[k].items()}, flush=True)
    return res

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True); ap.add_argument("--checkpoint", default="dglm/checkpoints/small")
    ap.add_argument("--temperature", type=float, default=10.0); ap.add_argument("--out", default=None)
    a = ap.parse_args()
    pipe = DGLMPipeline.from_pretrained(a.checkpoint); T = a.temperature; clf = pipe.classifiers["sentiment"]
    clfs = {"shipped": (clf, STRENGTHS), f"T={T:g}": (softened(clf, T), tuple(T * s for s in STRENGTHS))}
    res = dict(latent=latent(pipe, a.data, clfs), text=text(pipe, a.data, clfs),
               meta=dict(temperature=T, steer=STEER, checkpoint=a.checkpoint,
                         text_note="means over the 4 sentiment runs (2 targets x 2 prompt sets) of 8 prompts x 3 samples"))
    if a.out:
        with open(a.out, "w") as f: json.dump(res, f, indent=1)

if __name__ == "__main__": main()
