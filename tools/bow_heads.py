"""Issue 19, which bag-of-words head: heads trained alone (no decoder pass) on the data's training split, then measured on
128 validation rows: bag-of-words NLL per continuation token (and the unigram's), precision and coverage of the K words
shown (how many are in the continuation; how much of the continuation they name), and the held-out continuation NLL
(true / shuffled / none, clean embeddings) of the LoRA decoder trained in the `decoder-bow` long run reading them.

usage: python tools/bow_heads.py NAME QUERIES STEPS LR [K [BATCH [const]]]
  QUERIES 0: the long run's own head (as the decoder stage left it); 1: a fresh head (BowHead, one query) trained STEPS
  steps of BATCH (default 256) at LR, one-cycle (5% warm-up, cosine) or `const`. Writes results/.../bow_heads-NAME.json.
  DGLM_DATA (default /work/data-48k) and DGLM_RUN (default ~/.cache/dglm/runs/decoder-bow) say where the data and run are;
  LOAD=$DGLM_CACHE/heads/head-NAME.pt measures a head saved by an earlier call (no training); FILTER=1 shows whole words only
  (`dglm.bow.shown_vocabulary`).
"""
import json, os, sys, time, torch, torch.nn as nn
from pathlib import Path
from dglm.core import get_preset
from dglm.stages import decoder_from_checkpoint, load_stats, load_lm
from dglm.diagnostics import embedding_use
from dglm.bow import BowHead, shown_vocabulary
from dglm.prompt import bow_loss
torch.manual_seed(0); torch.set_num_threads(2)
name, M, steps, lr = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
K = int(sys.argv[5]) if len(sys.argv) > 5 else 16
B = int(sys.argv[6]) if len(sys.argv) > 6 else 256
const = len(sys.argv) > 7 and sys.argv[7] == 'const'
data = os.environ.get("DGLM_DATA", "/work/data-48k")
run = Path(os.environ.get("DGLM_RUN", Path.home()/".cache/dglm/runs/decoder-bow"))
over = dict(s.split("=", 1) for s in open(str(run) + ".set").read().split())
lm = decoder_from_checkpoint(get_preset("small", over), run)
E = lm.decoder.get_input_embeddings().weight.detach()
std = load_stats(data)
tr = load_lm(data, "train"); e_tr = std(torch.tensor(tr["cont_emb"])); c_tr = tr["cont_ids"]
va = load_lm(data, "validation").select(range(128))
rows = [dict(prefix_ids=r["prefix_ids"], cont_ids=r["cont_ids"][:32], cont_emb=r["cont_emb"]) for r in va]
e_va = std(torch.tensor([r["cont_emb"] for r in rows])); c_va = [r["cont_ids"] for r in rows]
special = lm.tokenizer.all_special_ids
if os.environ.get("FILTER"):   # the key-word line's own rule
    special = (~shown_vocabulary(lm.tokenizer, E.shape[0])).nonzero().squeeze(1).tolist()

class MultiHead(BowHead):
    def __init__(self, cfg, d, H, V, M):
        super().__init__(cfg, d, H, V); self.M = M
        W = 2 * cfg.width; self.net[-1] = nn.Linear(W, H * M)
    def forward(self, emb, a2):
        return super().forward(emb, a2).reshape(len(emb), self.M, -1)

def select(q, b, K):
    "Top-K words by the mixture's pointwise mutual information log p(w|e) - b(w)."
    lp = (q.float() @ E.float().T + b).log_softmax(-1).logsumexp(1) - b
    lp[:, special] = -torch.inf
    return lp.topk(K, -1).indices

if M == 0:   # the run's own head
    head = lm.generator
else:
    head = MultiHead(lm.cfg, 384, E.shape[1], E.shape[0], M); head.init_bias(c_tr)
    if os.environ.get("LOAD"):
        head.load_state_dict(torch.load(os.environ["LOAD"])); steps, const = 0, True
    opt = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0) if const else torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps, pct_start=0.05)
    g = torch.Generator().manual_seed(0); t = time.time()
    from dglm.prompt import noise_augment
    for s in range(steps):
        idx = torch.randint(len(c_tr), (B,), generator=g)
        x, a2 = noise_augment(e_tr[idx], lm.cfg.noise_scale, g)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = bow_loss(head(x, a2), E, [c_tr[i] for i in idx.tolist()], head.bias)
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        if s % 500 == 0: print(s, round(loss.item(), 3), round(time.time() - t), flush=True)
    if not os.environ.get("LOAD"):
        cache = Path(os.environ.get("DGLM_CACHE", Path.home()/".cache/dglm"))/"heads"; cache.mkdir(parents=True, exist_ok=True)
        torch.save(head.state_dict(), cache/f"head-{name}.pt")
head.eval()
with torch.no_grad():
    q = head(e_va, torch.ones(len(e_va)))
    q = q if q.ndim == 3 else q[:, None]
    val_bow = bow_loss(q, E, c_va, head.bias).item()
    unigram = bow_loss(torch.zeros(len(c_va), 1, E.shape[1]), E, c_va, head.bias).item()
res = dict(name=name, M=M, steps=steps, lr=lr, batch=B, const=const, val_bow=val_bow, unigram=unigram)
for k in sorted({8, K}):
    ids = select(q, head.bias.detach(), k).tolist()
    prec = sum(len(set(i) & set(r["cont_ids"])) for i, r in zip(ids, rows)) / (k * len(rows))
    cover = sum(sum(t in set(i) for t in r["cont_ids"]) for i, r in zip(ids, rows)) / sum(len(r["cont_ids"]) for r in rows)
    lm.cfg.num_tokens = k
    lm.generator = head                                     # the decoder reads this head's words
    lm.slot_vectors = lambda prompt: E[select(prompt if prompt.ndim == 3 else prompt[:, None], head.bias.detach(), k)]
    u = embedding_use(lm, rows, std, a2=1.0)
    res[k] = dict(prec=prec, cover=cover, **u, gap=u["shuffled"] - u["true"], none_minus_true=u["none"] - u["true"],
                  words=[[lm.tokenizer.decode([t]) for t in r] for r in ids[:3]])
    print(k, json.dumps({a: (round(v, 4) if isinstance(v, float) else v) for a, v in res[k].items() if a != "words"}), flush=True)
print(res[K]["words"])
json.dump(res, open(f"results/small-cpu/issue19/bow_heads-{name}.json", "w"), indent=1)
print({a: res[a] for a in ("val_bow", "unigram")})
