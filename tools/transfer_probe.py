"""Issue 19, where attribute transfer is lost: the shipped `bow` decoder given the embeddings of held-out positive vs negative
human-rated texts (the `sentiment` label pool's test split) continues neutral openers. For each variant this prints the
VADER-positive share of the *key-word lines* the head shows (read as text) and of the decoder's *continuations*
(20 tokens, the generation settings of `dglm.recipes.attribute_transfer`), positive vs negative, and their difference.

Variants: `base` (the head's 16 words); `k:N` (N words); `bias:W` (pick by q E^T + W b: W = 0 is the pointwise mutual
information the head uses, W = 1 the most probable words); `oracle` (a fixed line of 16 plainly positive or negative words,
the decoder's ceiling); `head:PATH` (another `BowHead` state dict of the same shape).

usage: python tools/transfer_probe.py OUT.json N HALF VARIANT...   (N openers of HALF 'dev' or 'test' of sentiment_neutral)
       DGLM_DATA (default /work/data-48k) and DGLM_RUN (default $DGLM_CACHE/runs/decoder-bow16-snap, the shipped run)
"""
import json, os, sys, time, torch
from pathlib import Path
from dglm.core import get_preset
from dglm.stages import decoder_from_checkpoint, load_stats
from dglm.latent import read_prompt_set
from dglm.recipes import sentiment_embeddings
from dglm.judges import VaderJudge
from dglm.bow import top_words
from dglm.prompt import SoftPromptLM

SHIPPED = Path(os.environ.get("DGLM_RUN", Path(os.environ.get("DGLM_CACHE", Path.home()/".cache/dglm"))/"runs/decoder-bow16-snap"))
POS = "great love wonderful happy best amazing beautiful perfect excellent fun enjoy good nice awesome glad lovely".split()
NEG = "terrible hate awful sad worst horrible ugly disgusting bad boring angry poor disappointed annoying stupid pathetic".split()

def load(run):
    over = dict(s.split("=", 1) for s in open(str(run) + ".set").read().split())
    return decoder_from_checkpoint(get_preset("small", over), run).eval()

def oracle_ids(tok, cls, k=16):
    "(k,) token ids of the first k plainly positive or negative oracle words."
    return torch.tensor([tok.encode(" " + w)[0] for w in (POS if cls == "positive" else NEG)][:k])

def head_words(lm, prompt, n):
    "(B, n) the head's (query 0's) n best whole words."
    return top_words(lm, (prompt[:, :1].detach().float() @ lm.decoder.get_input_embeddings().weight.float().T)[:, 0])[:, :n]

def pick_words(lm, variant, cls):
    "A `slot_ids` replacement for the variant (None: the model's own)."
    name, _, arg = variant.partition(":")
    if name == "bias":
        w = float(arg)
        return lambda self, p: top_words(self, (p.detach().float() @ self.decoder.get_input_embeddings().weight.float().T)[:, 0]
                                         + w * self.generator.bias.detach().float())
    if name == "oracle":
        ids = oracle_ids(lm.tokenizer, cls)
        return lambda self, p: ids[None].expand(len(p), -1)
    return None

def probe(lm, variant, E, openers, vader, pick=None):
    "VADER-positive shares of the lines and the continuations for one variant (`pick`: a `slot_ids` to use instead, or one per class)."
    name, _, arg = variant.partition(":")
    own, head, r = SoftPromptLM.slot_ids, {k: v.clone() for k, v in lm.generator.state_dict().items()}, {}
    if name == "head": lm.generator.load_state_dict(torch.load(arg, weights_only=True))
    lm.cfg.num_tokens = int(arg) if name == "k" else 16
    pos = lambda texts: float((VaderJudge.label(vader(texts)) == 1).mean())
    try:
        for cls, e in E.items():
            SoftPromptLM.slot_ids = (pick[cls] if isinstance(pick, dict) else pick) or pick_words(lm, variant, cls) or own
            with torch.no_grad(): ids = lm.slot_ids(lm.generator(e, torch.full((len(e),), 0.95))).tolist()
            lines = [" ".join(lm.tokenizer.decode([i]).strip() for i in row) for row in ids]
            texts = lm.generate(openers, e, max_new_tokens=20, seed=0)
            r[cls] = dict(words=pos(lines), text=pos(texts), lines=lines[:6], texts=texts[:6])
    finally:
        SoftPromptLM.slot_ids = own; lm.generator.load_state_dict(head); lm.cfg.num_tokens = 16
    return dict(r, diff_words=r["positive"]["words"] - r["negative"]["words"], diff_text=r["positive"]["text"] - r["negative"]["text"])

if __name__ == "__main__":
    out, n, half, variants = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    data = os.environ.get("DGLM_DATA", "/work/data-48k")
    lm, std = load(SHIPPED), load_stats(data)
    openers = read_prompt_set(data, "sentiment_neutral", n, half=half)
    E, vader = sentiment_embeddings(data, std, lm.generator.latent_dim, len(openers)), VaderJudge()
    res = json.loads(out.read_text()) if out.exists() else {}
    for v in variants:
        t = time.time(); r = res[f"{v} ({half}, {len(openers)})"] = probe(lm, v, E, openers, vader)
        print(f"{v:>12} {half} n={len(openers)}  lines {r['positive']['words']:.3f} / {r['negative']['words']:.3f} "
              f"({100 * r['diff_words']:+.1f})  continuations {r['positive']['text']:.3f} / {r['negative']['text']:.3f} "
              f"({100 * r['diff_text']:+.1f})  {time.time() - t:.0f} s", flush=True)
        out.write_text(json.dumps(res, indent=1))
