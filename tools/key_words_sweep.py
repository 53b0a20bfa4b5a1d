"""Issue 19, how many key words: one trained `bow` decoder shown K words at inference, for several K. Held-out NLL per
continuation token on 128 validation rows (32-token continuations, clean embeddings: a2 = 1) with the true embedding, another
row's and none, and the precision / coverage of the shown words (share of them in the continuation; share of the
continuation among them).

usage: python tools/key_words_sweep.py RUN K1,K2,...   (RUN: a run under $DGLM_CACHE/runs with its RUN.set overrides;
       DGLM_DATA: the data folder, default /work/data-48k); prints one line per K and writes results/small-cpu/issue19/key_words-RUN.json
"""
import json, os, sys, torch
from pathlib import Path
from dglm.core import get_preset
from dglm.stages import decoder_from_checkpoint, load_stats, load_lm
from dglm.diagnostics import embedding_use
torch.manual_seed(0)
data, name = os.environ.get("DGLM_DATA", "/work/data-48k"), sys.argv[1]
run = Path(os.environ.get("DGLM_CACHE", Path.home()/".cache/dglm"))/"runs"/name
over = dict(s.split("=", 1) for s in open(str(run) + ".set").read().split())
lm = decoder_from_checkpoint(get_preset("small", over), run)
std = load_stats(data)
rows = [dict(prefix_ids=r["prefix_ids"], cont_ids=r["cont_ids"][:32], cont_emb=r["cont_emb"])
        for r in load_lm(data, "validation").select(range(128))]
e = std(torch.tensor([r["cont_emb"] for r in rows]))
res = {}
for K in map(int, sys.argv[2].split(",")):
    lm.cfg.num_tokens = K
    with torch.no_grad(): ids = lm.slot_ids(lm.generator(e, torch.ones(len(e)))).tolist()
    prec = sum(len(set(i) & set(r["cont_ids"])) for i, r in zip(ids, rows)) / (K * len(rows))
    cover = sum(sum(t in set(i) for t in r["cont_ids"]) for i, r in zip(ids, rows)) / sum(len(r["cont_ids"]) for r in rows)
    u = embedding_use(lm, rows, std, a2=1.0)
    res[K] = dict(prec=prec, cover=cover, **u, gap=u["shuffled"] - u["true"], none_minus_true=u["none"] - u["true"])
    print(K, {k: round(v, 4) if isinstance(v, float) else v for k, v in res[K].items()}, flush=True)
Path(f"results/small-cpu/issue19/key_words-{name}.json").write_text(json.dumps(res, indent=1))
