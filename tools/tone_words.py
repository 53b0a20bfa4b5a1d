"""Issue 19, words that carry tone: does the shipped `bow` decoder follow sentiment words in its key-word line, and can a
head name them from the embedding?

`oracle`: the head's best 16 - k words plus k plainly positive / negative words (the oracle lists of transfer_probe.py).
`train`: a *tone* head: one query over the whole words that occur >= 3 times in the head's corpus (LM continuations and
  attribute training texts), trained only on the labelled sentiment and toxicity texts, each on the words that signal its
  own class: log-odds z-score (Monroe et al. 2008, informative Dirichlet prior) above 2 for class 1, below -2 for class 0,
  weighted by min(|z| - 2, 4); the 200 most frequent words out. 1,500 steps of 256, lr 1e-3, warm-up + cosine.
`probe`: the head's best 16 - k words plus the tone head's best k signal words: NLL on NVAL validation rows and transfer.
  (The head keeps its signal-word mask, so probing does not rebuild the vocabulary.)
`ceiling`: as `oracle`, but the k words are those of the class a logistic regression on the embedding predicts (fitted on
  the sentiment pool's training split): what k perfectly strong words could carry, given how well the embedding tells
  the classes apart.
`--extra` (after the command): the k words come after all 16 of the head's (a line of 16 + k words) instead of replacing some.
usage: python tools/tone_words.py oracle OUT.json N HALF K...
       python tools/tone_words.py train HEAD.pt
       python tools/tone_words.py probe OUT.json HEAD.pt N HALF NVAL K...
       python tools/tone_words.py ceiling OUT.json N HALF K...
"""
import json, sys, time, torch, torch.nn as nn
from pathlib import Path
from types import SimpleNamespace
from datasets import load_from_disk
from dglm.core import bf16_fast
from dglm.stages import load_stats, load_lm
from dglm.latent import read_prompt_set
from dglm.judges import VaderJudge
from dglm.recipes import sentiment_embeddings
from dglm.diagnostics import embedding_use
from dglm.prompt import SoftPromptLM, noise_augment
from dglm.train import cosine_with_warmup
from dglm.bow import shown_vocabulary
sys.path.insert(0, str(Path(__file__).parent))
import transfer_probe as T
from residual_head import corpus
DATA, BINARY = "/work/data-48k", ("sentiment", "toxicity")

class ToneHead(nn.Module):
    "Embedding (B, d) and noise level -> one query (B, 1, H) over the words `keep`, of which `signal` may be shown; `bias` for the loss only."
    def __init__(self, d, H, keep, signal, width=768):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d + 1, width), nn.GELU(), nn.Linear(width, width), nn.GELU(), nn.Linear(width, H))
        self.register_buffer("keep", keep); self.register_buffer("signal", signal); self.bias = nn.Parameter(torch.zeros(len(keep)))
    def forward(self, emb, a2):
        a2 = torch.as_tensor(a2, dtype=emb.dtype).reshape(-1, 1).expand(len(emb), 1)
        return self.net(torch.cat([emb, a2], -1).float())[:, None]

def log_odds_z(ids, labels, V, prior, a0=500.0):
    "(V,) z-score of the log-odds of each token in class 1 against class 0."
    alpha = a0 * prior / prior.sum()
    y = [torch.bincount(torch.tensor([t for x, l in zip(ids, labels) if l == c for t in x]), minlength=V).float() for c in (0, 1)]
    lo = [((y[c] + alpha) / (y[c].sum() + alpha.sum() - y[c] - alpha)).log() for c in (0, 1)]
    return (lo[1] - lo[0]) / (1 / (y[0] + alpha) + 1 / (y[1] + alpha)).sqrt()

def tone_vocabulary(lm, ids):
    "The words a tone head names (`keep`), their corpus counts, each binary attribute's z and pool, and each word's weight `w`."
    V = lm.decoder.get_input_embeddings().weight.shape[0]
    counts = torch.bincount(torch.tensor([t for x in ids for t in x]), minlength=V)
    keep = torch.nonzero(shown_vocabulary(lm.tokenizer, V) & (counts >= 3)).squeeze(1)
    pools = {a: load_from_disk(f"{DATA}/attributes/{a}/train") for a in BINARY}
    pids = {a: lm.tokenizer(list(p["text"]))["input_ids"] for a, p in pools.items()}
    prior = torch.bincount(torch.tensor([t for x in sum(pids.values(), []) for t in x]), minlength=V).float() + 1
    z = {a: log_odds_z(pids[a], pools[a]["label"], V, prior) for a in BINARY}
    w = (torch.stack([v.abs() for v in z.values()]).amax(0) - 2).clamp(0, 4)
    w[counts.topk(200).indices] = 0
    mask = torch.zeros(V, dtype=torch.bool); mask[keep] = True
    return SimpleNamespace(keep=keep, counts=counts, z=z, w=w * mask, pools=pools, pids=pids)

def train(path, steps=1500):
    torch.manual_seed(0)
    lm, std = T.load(T.SHIPPED), load_stats(DATA)
    v = tone_vocabulary(lm, corpus(lm, DATA)[1])
    remap, x, tg = {int(t): i for i, t in enumerate(v.keep)}, [], []
    for a in BINARY:                                     # the words that signal each labelled text's own class
        x.append(torch.tensor(list(v.pools[a]["emb"])))
        tg += [[remap[t] for t in s if v.w[t] > 0 and (v.z[a][t] > 2 if y == 1 else v.z[a][t] < -2)]
               for s, y in zip(v.pids[a], v.pools[a]["label"])]
    emb, ok = std(torch.cat(x)), torch.tensor([i for i, t in enumerate(tg) if t])
    E = lm.decoder.get_input_embeddings().weight.detach().float()[v.keep]; wk = v.w[v.keep]
    head = ToneHead(emb.shape[1], E.shape[1], v.keep, wk > 0)
    counts = v.counts[v.keep].float() + 1
    with torch.no_grad(): head.bias.copy_((counts / counts.sum()).log())
    opt = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=0.0); sched = cosine_with_warmup(opt, steps // 20, steps)
    g = torch.Generator().manual_seed(0)
    print(f"{len(v.keep)} words, {int((wk > 0).sum())} signal words, {len(ok)} texts with one", flush=True)
    for s in range(steps):
        idx = ok[torch.randint(len(ok), (256,), generator=g)]
        zz, a2 = noise_augment(emb[idx], 3.0, g)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16_fast()):
            logp = (head(zz, a2)[:, 0] @ E.T + head.bias).float().log_softmax(-1)
        rows = [tg[i] for i in idx.tolist()]; ii = torch.zeros(len(rows), max(map(len, rows)), dtype=torch.long); m = torch.zeros(ii.shape)
        for r, c in enumerate(rows): ii[r, :len(c)], m[r, :len(c)] = torch.tensor(c), wk[c]
        loss = -(logp.gather(1, ii) * m).sum() / m.sum()
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); sched.step()
        if s % 500 == 0 or s == steps - 1: print(f"step {s} loss {loss.item():.3f}", flush=True)
    torch.save(head.state_dict(), path)

class Both(nn.Module):
    "The shipped head's query and a second row (B, 2, H): the tone head's query, or the standardised embedding itself (`tone=None`)."
    def __init__(self, head, tone=None): super().__init__(); self.a, self.b, self.latent_dim, self.bias = head, tone, head.latent_dim, head.bias
    def forward(self, e, a2):
        q = self.a(e, a2)
        if self.b is not None: return torch.cat([q, self.b(e, a2)], 1)
        pad = torch.zeros_like(q); pad[:, 0, :e.shape[1]] = e
        return torch.cat([q, pad], 1)

def tone_pick(n, k):
    "A `slot_ids`: the shipped head's best n words, then the tone head's best k signal words not yet shown."
    def pick(self, prompt):
        E, tone = self.decoder.get_input_embeddings().weight.float(), self.generator.b
        head = T.head_words(self, prompt, n).tolist()
        best = (prompt[:, 1].detach().float() @ E[tone.keep].T).masked_fill(~tone.signal, -torch.inf).argsort(-1, descending=True)[:, :64]
        return torch.tensor([h + [t for t in tone.keep[r].tolist() if t not in h][:k] for h, r in zip(head, best)])
    return pick

def oracle_pick(n, k, cls, tok):
    "A `slot_ids`: the head's best n words, then k oracle words of class `cls`."
    words = T.oracle_ids(tok, cls, k)
    return lambda self, p: torch.cat([T.head_words(self, p, n), words[None].expand(len(p), -1)], 1)

def sentiment_probe(std):
    "A logistic regression on the standardised embeddings of the sentiment pool's training split."
    from sklearn.linear_model import LogisticRegression
    tr = load_from_disk(f"{DATA}/attributes/sentiment/train")
    return LogisticRegression(C=1.0, max_iter=2000).fit(std(torch.tensor(list(tr["emb"]))).numpy(), tr["label"])

def ceiling_pick(n, k, tok, clf, d):
    "A `slot_ids`: the head's best n words, then k oracle words of the class `clf` reads from the embedding (row 1 of `Both`)."
    words = {1: T.oracle_ids(tok, "positive", k), 0: T.oracle_ids(tok, "negative", k)}
    def pick(self, p):
        y = clf.predict(p[:, 1, :d].detach().float().numpy())
        return torch.cat([T.head_words(self, p, n), torch.stack([words[int(c)] for c in y])], 1)
    return pick

if __name__ == "__main__":
    extra = "--extra" in sys.argv
    cmd, args = sys.argv[1], [a for a in sys.argv[2:] if a != "--extra"]
    if cmd == "train": train(args[0]); sys.exit()
    out = Path(args[0]); res = json.loads(out.read_text()) if out.exists() else {}
    lm, std = T.load(T.SHIPPED), load_stats(DATA); d = lm.generator.latent_dim
    if cmd == "probe":
        sd = torch.load(args[1], weights_only=True)
        tone = ToneHead(d, lm.generator.out_dim, sd["keep"], sd["signal"]); tone.load_state_dict(sd)
        lm.generator = Both(lm.generator, tone.eval()); args = [args[0]] + args[2:]
    if cmd == "ceiling": lm.generator, clf = Both(lm.generator), sentiment_probe(std)
    N, half, nval, ks = int(args[1]), args[2], int(args[3]) if cmd == "probe" else 0, [int(k) for k in args[3 + (cmd == "probe"):]]
    openers = read_prompt_set(DATA, "sentiment_neutral", N, half=half)
    E, vader = sentiment_embeddings(DATA, std, d, len(openers)), VaderJudge()
    for k in ks:
        t, r, n = time.time(), {}, 16 if extra else 16 - k
        key = f"{cmd}{' extra' if extra else ''} k={k} ({half}, {N}" + (f"; val {nval})" if nval else ")")
        if cmd == "ceiling":
            picks = dict.fromkeys(E, ceiling_pick(n, k, lm.tokenizer, clf, d))
            r["classifier_accuracy"] = float(sum((clf.predict(e.numpy()) == (c == "positive")).mean() for c, e in E.items()) / 2)
            key += f" [embedding classifier accuracy {r['classifier_accuracy']:.3f}]"
        else: picks = {c: tone_pick(n, k) if cmd == "probe" else oracle_pick(n, k, c, lm.tokenizer) for c in E}
        if nval:
            SoftPromptLM.slot_ids, own = picks["positive"], SoftPromptLM.slot_ids
            try: r["nll"] = embedding_use(lm, load_lm(DATA, "validation").select(range(nval)), std)
            finally: SoftPromptLM.slot_ids = own
        r["transfer"] = T.probe(lm, "base", E, openers, vader, picks)
        gap = f"  gap {r['nll']['shuffled'] - r['nll']['true']:.3f}  none - true {r['nll']['none'] - r['nll']['true']:.3f}" if nval else ""
        print(f"{key}: lines {100 * r['transfer']['diff_words']:+.1f}  continuations {100 * r['transfer']['diff_text']:+.1f}{gap}  {time.time() - t:.0f} s", flush=True)
        res[key] = r; out.write_text(json.dumps(res, indent=1))
