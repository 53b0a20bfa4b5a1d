#!/usr/bin/env python
"""Measure a trained pipeline's two defining properties on held-out data, and write them as JSON and markdown.

1. Conditioning (paper section 3.1): does the decoder read the soft prompt? Per-token continuation NLL on the
   validation split with the true continuation embedding, another example's (shuffled) and no prompt
   (`dglm.diagnostics.embedding_use`); and the cosine between the encoder embedding of generated continuations and the
   target embedding, true vs shuffled vs none (`dglm.diagnostics.generation_similarity`).
2. Sampler fidelity by number of steps: for held-out prefixes, the cosine between an unguided sample and the true
   continuation's embedding, and the norm of the un-standardised sample (real embeddings have norm 1; a sampler
   with too few steps returns blurred, shorter vectors). This is what fewer steps cost besides control.
3. Guidance in latent space: the guiding classifier's mean probability of the target for *sampled embeddings*, by
   strength, for sentiment and toxicity (`DGLMPipeline.sample_embeddings`). This is the guiding classifier grading
   its own target: it shows the sampler is steered, not that the text is (that is `dglm evaluate`'s job).
Usage: python tools/measure_small.py PIPE DATA OUT [--nll-examples 128] [--gen-examples 32]
"""
import argparse, json, time
from pathlib import Path
import datasets, torch
import torch.nn.functional as F
from dglm.pipeline import DGLMPipeline
from dglm.latent import target_probability
from dglm.diagnostics import embedding_use, generation_similarity

STRENGTHS = (0, 5, 10, 20, 50, 100)
STEPS = (50, 20, 10, 5)

@torch.no_grad()
def sampler_fidelity(pipe, val, n=128, seed=0) -> dict:
    "Per number of steps: mean cos(unguided sample, true continuation embedding) and mean norm of the raw sample."
    rows = val.select(range(min(n, len(val))))
    true = F.normalize(torch.tensor(rows["cont_emb"], dtype=torch.float32), dim=-1)
    out = {}
    for steps in STEPS:
        x = pipe.standardizer.invert(pipe.sample_embeddings(rows["prefix_text"], steps=steps, seed=seed))
        out[steps] = dict(cosine=float(F.cosine_similarity(x, true, dim=-1).mean()), norm=float(x.norm(dim=-1).mean()))
    return out

def guided_probability(pipe, prompts, attr, target, samples=4, seed=0) -> dict:
    "Mean p(target) by the guiding classifier of sampled embeddings, by strength."
    out = {}
    for s in STRENGTHS:
        x = pipe.sample_embeddings(prompts, steer={attr: target}, strength=s, num_samples=samples, seed=seed)
        out[s] = target_probability(pipe, pipe.standardizer.to_sphere(x), f"{attr}={target}")
    return out

def prompts_of(data, name, n):
    rows = [json.loads(l) for l in (Path(data)/"prompts"/f"{name}.jsonl").read_text().splitlines() if l.strip()]
    return [r["prompt"] for r in rows[:n]]

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pipe"); ap.add_argument("data"); ap.add_argument("out")
    ap.add_argument("--nll-examples", type=int, default=128); ap.add_argument("--gen-examples", type=int, default=32)
    ap.add_argument("--prompts", type=int, default=16, help="prompts for the guidance table")
    a = ap.parse_args()
    torch.manual_seed(0); t0 = time.time()
    pipe = DGLMPipeline.from_pretrained(a.pipe, device="cpu")
    val = datasets.load_from_disk(str(Path(a.data)/"lm"))["validation"]
    res = dict(pipe=str(a.pipe), data=str(a.data))
    res["nll"] = embedding_use(pipe.lm, val.select(range(min(a.nll_examples, len(val)))), pipe.standardizer)
    print("NLL per token:", res["nll"], flush=True)
    sim = generation_similarity(pipe.lm, val.select(range(min(a.gen_examples, len(val)))), pipe.standardizer, pipe.encoder)
    res["similarity"] = {k: v for k, v in sim.items() if not isinstance(v, dict)}
    print("cosine(generated, target):", res["similarity"], flush=True)
    res["fidelity"] = sampler_fidelity(pipe, val)
    print("sampler fidelity:", res["fidelity"], flush=True)
    res["guidance"] = {
        "sentiment=positive": guided_probability(pipe, prompts_of(a.data, "sentiment_neutral", a.prompts), "sentiment", "positive"),
        "sentiment=negative": guided_probability(pipe, prompts_of(a.data, "sentiment_neutral", a.prompts), "sentiment", "negative"),
        "toxicity=nontoxic": guided_probability(pipe, prompts_of(a.data, "toxicity", a.prompts), "toxicity", "nontoxic")}
    print("guided p(target):", res["guidance"], flush=True)
    p = ["The movie was", "My neighbour told me that"]
    res["examples"] = {"prompts": p, "unsteered": pipe(p, num_samples=2, seed=0),
                       "sentiment=positive s=20": pipe(p, steer={"sentiment": "positive"}, strength=20, num_samples=2, seed=0),
                       "sentiment=negative s=20": pipe(p, steer={"sentiment": "negative"}, strength=20, num_samples=2, seed=0)}
    res["seconds"] = time.time() - t0
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    (out/"conditioning.json").write_text(json.dumps(res, indent=1))
    md = ["# Conditioning and latent guidance", "",
          f"NLL per continuation token ({res['nll']['n_examples']} validation examples): true {res['nll']['true']:.3f}, "
          f"shuffled {res['nll']['shuffled']:.3f}, no prompt {res['nll']['none']:.3f}", "",
          "cosine(encoder(generated), target): " + ", ".join(f"{k} {v:.3f}" for k, v in res["similarity"].items()), "",
          "| guided p(target) of sampled embeddings | " + " | ".join(f"s={s}" for s in STRENGTHS) + " |",
          "|---|" + "---|" * len(STRENGTHS)]
    md += [f"| {k} | " + " | ".join(f"{v[s]:.2f}" for s in STRENGTHS) + " |" for k, v in res["guidance"].items()]
    md += ["", "| sampler steps | " + " | ".join(map(str, STEPS)) + " |", "|---|" + "---|" * len(STEPS),
           "| cos(sample, true continuation) | " + " | ".join(f"{res['fidelity'][s]['cosine']:.3f}" for s in STEPS) + " |",
           "| norm of the raw sample (real: 1) | " + " | ".join(f"{res['fidelity'][s]['norm']:.3f}" for s in STEPS) + " |"]
    (out/"conditioning.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))

if __name__ == "__main__": main()
