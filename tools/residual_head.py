"""Issue 19, a first try at slots for what a text does not share with texts on the same subject: a bag-of-words head
trained (the shipped head's recipe: `warm_start`, 3,000 steps of 256, lr 1e-3) on *residual* bags, each text's words minus
those in 2 or more of its 16 nearest neighbours' texts (MiniLM cosine), over the LM continuations and the attribute
training texts (first 48 tokens, no labels). Then `tools/transfer_probe.py`'s measure for the head alone and for its words
alternating with the shipped head's (each head's best words in turn, distinct).

usage: python tools/residual_head.py HEAD.pt N HALF   (trains HEAD.pt unless it exists; N openers of HALF 'dev'/'test')
       writes results/small-cpu/issue19/transfer_probe-residual-HALF.json
"""
import json, sys, time, torch, torch.nn as nn
from pathlib import Path
from datasets import load_from_disk
from dglm.core import bf16_fast
from dglm.stages import load_stats, load_lm, warm_start
from dglm.latent import read_prompt_set
from dglm.judges import VaderJudge
from dglm.bow import prompt_generator, top_words
sys.path.insert(0, str(Path(__file__).parent))
import transfer_probe as T
from dglm.recipes import sentiment_embeddings

def corpus(lm, data):
    "Raw embeddings and token ids of the LM continuations and the attribute training texts."
    tr = load_lm(data, "train"); raw, ids = [torch.tensor(list(tr["cont_emb"]))], list(tr["cont_ids"])
    for a in ("sentiment", "toxicity", "topic"):
        d = load_from_disk(f"{data}/attributes/{a}/train")
        raw.append(torch.tensor(list(d["emb"]))); ids += [x[:48] for x in lm.tokenizer(list(d["text"]))["input_ids"]]
    return torch.cat(raw), ids

def residual_bags(raw, ids, k=16, shared=2):
    "Each text's tokens that fewer than `shared` of its k nearest neighbours' texts contain."
    n = nn.functional.normalize(raw, dim=-1)
    nb = torch.cat([(n[i:i + 2048] @ n.T).topk(k + 1, -1).indices[:, 1:] for i in range(0, len(n), 2048)])
    bags, out = [set(x) for x in ids], []
    for i, row in enumerate(nb.tolist()):
        cnt = {}
        for j in row:
            for w in bags[j] & bags[i]: cnt[w] = cnt.get(w, 0) + 1
        out.append([w for w in ids[i] if cnt.get(w, 0) < shared])
    return out

class Pair(nn.Module):
    "Two heads' queries side by side (B, 2, H)."
    def __init__(self, a, b): super().__init__(); self.a, self.b, self.bias, self.latent_dim, self.out_dim = a, b, a.bias, a.latent_dim, a.out_dim
    def forward(self, e, a2): return torch.cat([self.a(e, a2), self.b(e, a2)], 1)

def alternate(self, prompt):
    "(B, K) ids: each query in turn names its best whole word not yet shown."
    s = prompt.detach().float() @ self.decoder.get_input_embeddings().weight.float().T      # (B, M, V)
    if getattr(self, "_shown", None) is None: top_words(self, s[:, 0])                        # builds the word mask once
    s = s.masked_fill(~self._shown, -torch.inf)
    out = torch.zeros(len(s), self.num_tokens, dtype=torch.long)
    for k in range(self.num_tokens):
        i = s[:, k % s.shape[1]].argmax(-1); out[:, k] = i
        s.scatter_(2, i[:, None, None].expand(len(s), s.shape[1], 1), -torch.inf)
    return out

if __name__ == "__main__":
    path, N, half, data = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], "/work/data-48k"
    lm, std = T.load(T.SHIPPED), load_stats(data)
    head = prompt_generator(lm.cfg, lm.generator.latent_dim, lm.decoder)
    if path.exists(): head.load_state_dict(torch.load(path, weights_only=True))
    else:
        raw, ids = corpus(lm, data); res = residual_bags(raw, ids); keep = [i for i, r in enumerate(res) if r]
        shipped, lm.generator = lm.generator, head
        warm_start(lm, std(raw[keep]), [res[i] for i in keep], steps=3000, batch_size=256, lr=1e-3, bf16=bf16_fast())
        lm.generator = shipped; torch.save(head.state_dict(), path)
    head.eval()
    openers = read_prompt_set(data, "sentiment_neutral", N, half=half)
    E, vader, out = sentiment_embeddings(data, std, lm.generator.latent_dim, len(openers)), VaderJudge(), {}
    for name, gen, pick in (("residual head alone", head, None), ("shipped + residual, alternating", Pair(lm.generator, head), alternate)):
        shipped, lm.generator = lm.generator, gen
        r = out[name] = T.probe(lm, name, E, openers, vader, pick); lm.generator = shipped
        print(f"{name}: lines {100 * r['diff_words']:+.1f}  continuations {100 * r['diff_text']:+.1f}", flush=True)
    Path(f"results/small-cpu/issue19/transfer_probe-residual-{half}.json").write_text(json.dumps(out, indent=1))
