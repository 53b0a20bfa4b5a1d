"""Issue 19, words that carry tone: does the shipped `bow` decoder follow sentiment words in its key-word line, and can a
head name them from the embedding?

`oracle`: the head's best 16 - k words plus k plainly positive / negative words (the oracle lists of transfer_probe.py).
`train`: a *tone* head: one query over the whole words that occur >= 3 times in the head's corpus (LM continuations and
  attribute training texts), trained only on the labelled sentiment and toxicity texts, each on the words that signal its
  own class: log-odds z-score (Monroe et al. 2008, informative Dirichlet prior) above 2 for class 1, below -2 for class 0,
  weighted by min(|z| - 2, 4); the 200 most frequent words out. 1,500 steps of 256, lr 1e-3, warm-up + cosine.
`probe`: the head's best 16 - k words plus the tone head's best k signal words: NLL on NVAL validation rows and transfer.
`ceiling`: as `oracle`, but the k words are those of the class a logistic regression on the embedding predicts (fitted on
  the sentiment pool's training split): what k perfectly strong words could carry, given how well the embedding tells
  the classes apart.
`--extra` (after the command): the k words come after all 16 of the head's (a line of 16 + k words) instead of replacing some.
usage: python tools/tone_words.py oracle OUT.json N HALF K...
       python tools/tone_words.py train HEAD.pt
       python tools/tone_words.py probe OUT.json HEAD.pt N HALF NVAL K...
       python tools/tone_words.py ceiling OUT.json N HALF K...
"""
import json, os, sys, time, torch, torch.nn as nn
from pathlib import Path
from datasets import load_from_disk
from dglm.core import bf16_fast
from dglm.stages import load_stats, load_lm
from dglm.latent import read_prompt_set
from dglm.judges import VaderJudge
from dglm.recipes import sentiment_embeddings
from dglm.diagnostics import embedding_use
from dglm.prompt import SoftPromptLM, noise_augment
from dglm.train import cosine_with_warmup
from dglm.bow import shown_vocabulary, top_words
sys.path.insert(0, str(Path(__file__).parent))
import transfer_probe as T
from residual_head import corpus
DATA, BINARY = "/work/data-48k", ("sentiment", "toxicity")
SHIPPED = Path(os.environ.get("DGLM_CACHE", Path.home()/".cache/dglm"))/"runs/decoder-bow16-snap"   # the shipped decoder's run

class ToneHead(nn.Module):
    "Embedding (B, d) and noise level -> one query (B, 1, H) over the words `keep`; `bias` (log-frequency) for the loss only."
    def __init__(self, d, H, keep, width=768):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d + 1, width), nn.GELU(), nn.Linear(width, width), nn.GELU(), nn.Linear(width, H))
        self.register_buffer("keep", keep); self.bias = nn.Parameter(torch.zeros(len(keep)))
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
    "The words a tone head names (`keep`), each binary attribute's z over the vocabulary, and each word's weight."
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
    return keep, z, w * mask, pools, pids

def train(path, steps=1500):
    torch.manual_seed(0)
    lm, std = T.load(SHIPPED), load_stats(DATA)
    raw, ids = corpus(lm, DATA); keep, z, w, pools, pids = tone_vocabulary(lm, ids)
    remap, x, tg = {int(t): i for i, t in enumerate(keep)}, [], []
    for a in BINARY:                                     # the words that signal each labelled text's own class
        x.append(torch.tensor(list(pools[a]["emb"])))
        tg += [[remap[t] for t in s if w[t] > 0 and (z[a][t] > 2 if y == 1 else z[a][t] < -2)] for s, y in zip(pids[a], pools[a]["label"])]
    emb, ok = std(torch.cat(x)), torch.tensor([i for i, t in enumerate(tg) if t])
    E = lm.decoder.get_input_embeddings().weight.detach().float()[keep]; wk = w[keep]
    head = ToneHead(emb.shape[1], E.shape[1], keep)
    counts = torch.bincount(torch.tensor([t for s in ids for t in s]), minlength=len(w))[keep].float() + 1
    with torch.no_grad(): head.bias.copy_((counts / counts.sum()).log())
    opt = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=0.0); sched = cosine_with_warmup(opt, steps // 20, steps)
    g = torch.Generator().manual_seed(0)
    print(f"{len(keep)} words, {int((wk > 0).sum())} signal words, {len(ok)} texts with one", flush=True)
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
    "The shipped head's query and the tone head's, side by side (B, 2, H)."
    def __init__(self, a, b): super().__init__(); self.a, self.b, self.latent_dim, self.bias = a, b, a.latent_dim, a.bias
    def forward(self, e, a2): return torch.cat([self.a(e, a2), self.b(e, a2)], 1)

EXTRA = "--extra" in sys.argv
def n_head(k): return 16 if EXTRA else 16 - k

def tone_pick(k, signal):
    "A `slot_ids`: the shipped head's best 16 - k words, then the tone head's best k signal words not yet shown."
    def pick(self, prompt):
        E = self.decoder.get_input_embeddings().weight.float(); keep = self.generator.b.keep
        head = top_words(self, (prompt[:, :1].detach().float() @ E.T)[:, 0])[:, :n_head(k)].tolist()
        best = (prompt[:, 1].detach().float() @ E[keep].T).masked_fill(~signal, -torch.inf).argsort(-1, descending=True)[:, :64]
        return torch.tensor([h + [t for t in keep[r].tolist() if t not in h][:k] for h, r in zip(head, best)])
    return pick

def oracle_pick(k, cls, tok):
    words = torch.tensor([tok.encode(" " + w)[0] for w in (T.POS if cls == "positive" else T.NEG)][:k])
    return lambda self, p: torch.cat([top_words(self, (p.detach().float() @ self.decoder.get_input_embeddings().weight.float().T)[:, 0])[:, :n_head(k)],
                                      words[None].expand(len(p), -1)], 1)

class WithEmb(nn.Module):
    "The head's query (B, 1, H) with the standardised embedding riding along in a second row (for `ceiling_pick`)."
    def __init__(self, head): super().__init__(); self.head, self.latent_dim, self.bias = head, head.latent_dim, head.bias
    def forward(self, e, a2):
        q = self.head(e, a2); pad = torch.zeros_like(q); pad[:, 0, :e.shape[1]] = e
        return torch.cat([q, pad], 1)

def ceiling_pick(k, tok, std, d):
    "The head's best 16 - k words, then k oracle words of the class a logistic regression reads from the embedding."
    from sklearn.linear_model import LogisticRegression
    tr = load_from_disk(f"{DATA}/attributes/sentiment/train")
    clf = LogisticRegression(C=1.0, max_iter=2000).fit(std(torch.tensor(list(tr["emb"]))).numpy(), tr["label"])
    words = {c: torch.tensor([tok.encode(" " + w)[0] for w in ws][:k]) for c, ws in ((1, T.POS), (0, T.NEG))}
    def pick(self, p):
        head = top_words(self, (p[:, :1].detach().float() @ self.decoder.get_input_embeddings().weight.float().T)[:, 0])[:, :n_head(k)]
        y = clf.predict(p[:, 1, :d].detach().float().numpy())
        return torch.cat([head, torch.stack([words[int(c)] for c in y])], 1)
    return pick, clf

def transfer(lm, openers, E, picks):
    "VADER-positive share of lines and continuations per class, each class with its own `slot_ids`."
    vader, own, r = VaderJudge(), SoftPromptLM.slot_ids, {}
    pos = lambda x: float((VaderJudge.label(vader(x)) == 1).mean())
    for cls, e in E.items():
        SoftPromptLM.slot_ids = picks[cls]
        try:
            with torch.no_grad(): ids = lm.slot_ids(lm.generator(e, torch.full((len(e),), 0.95))).tolist()
            lines = [" ".join(lm.tokenizer.decode([i]).strip() for i in row) for row in ids]
            texts = lm.generate(openers, e, max_new_tokens=20, seed=0)
        finally: SoftPromptLM.slot_ids = own
        r[cls] = dict(words=pos(lines), text=pos(texts), lines=lines[:6], texts=texts[:6])
    return dict(r, diff_words=r["positive"]["words"] - r["negative"]["words"], diff_text=r["positive"]["text"] - r["negative"]["text"])

if __name__ == "__main__":
    cmd, args = sys.argv[1], [a for a in sys.argv[2:] if a != "--extra"]
    if cmd == "train": train(args[0]); sys.exit()
    out = Path(args[0]); res = json.loads(out.read_text()) if out.exists() else {}
    lm, std = T.load(SHIPPED), load_stats(DATA); lm.cfg.num_tokens = 16
    if cmd == "probe":
        sd = torch.load(args[1], weights_only=True); tone = ToneHead(384, lm.generator.out_dim, sd["keep"]); tone.load_state_dict(sd)
        _, _, w, _, _ = tone_vocabulary(lm, corpus(lm, DATA)[1]); signal = w[sd["keep"]] > 0
        lm.generator = Both(lm.generator, tone.eval()); args = [args[0]] + args[2:]
    if cmd == "ceiling": lm.generator = WithEmb(lm.generator)
    N, half, nval, ks = int(args[1]), args[2], int(args[3]) if cmd == "probe" else 0, [int(k) for k in args[3 + (cmd == "probe"):]]
    openers = read_prompt_set(DATA, "sentiment_neutral", N, half=half)
    E = sentiment_embeddings(DATA, std, 384, len(openers))
    for k in ks:
        t, r = time.time(), {}
        if cmd == "ceiling":
            pick, clf = ceiling_pick(k, lm.tokenizer, std, 384); picks = dict.fromkeys(E, pick)
            r["classifier_accuracy"] = float(sum((clf.predict(e.numpy()) == (c == "positive")).mean() for c, e in E.items()) / 2)
        else: picks = {c: tone_pick(k, signal) if cmd == "probe" else oracle_pick(k, c, lm.tokenizer) for c in E}
        if nval:
            SoftPromptLM.slot_ids, own = picks["positive"], SoftPromptLM.slot_ids
            try: r["nll"] = embedding_use(lm, load_lm(DATA, "validation").select(range(nval)), std)
            finally: SoftPromptLM.slot_ids = own
        r["transfer"] = transfer(lm, openers, E, picks)
        key = f"{cmd}{' extra' if EXTRA else ''} k={k} ({half}, {N}" + (f"; val {nval})" if nval else ")")
        if "classifier_accuracy" in r: key += f" [embedding classifier accuracy {r['classifier_accuracy']:.3f}]"
        gap = f"  gap {r['nll']['shuffled'] - r['nll']['true']:.3f}  none - true {r['nll']['none'] - r['nll']['true']:.3f}" if nval else ""
        print(f"{key}: lines {100 * r['transfer']['diff_words']:+.1f}  continuations {100 * r['transfer']['diff_text']:+.1f}{gap}  {time.time() - t:.0f} s", flush=True)
        res[key] = r; out.write_text(json.dumps(res, indent=1))
