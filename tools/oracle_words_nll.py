"""Issue 19 probe: how far can a line of words take the shipped decoder? NLL gap with the k rarest distinct whole words
of the *true* continuation shown (an oracle head), against the shipped head, 128 validation rows, clean embeddings.
usage: python tools/oracle_words_nll.py [OUT.json]   (DGLM_RUN: the decoder run; about 10 minutes)"""
import sys, json, torch
sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
from dglm.stages import load_stats, load_lm
from dglm.diagnostics import embedding_use
from dglm.prompt import SoftPromptLM
from dglm.bow import shown_vocabulary
import transfer_probe as T
DATA = "/work/data-48k"
lm, std = T.load(T.SHIPPED), load_stats(DATA); lm.cfg.num_tokens = 16
rows = load_lm(DATA, "validation").select(range(128))
z = std(torch.tensor(list(rows["cont_emb"]))).float()
shown, b = shown_vocabulary(lm.tokenizer, lm.generator.bias.shape[0]), lm.generator.bias.detach()
own, res = SoftPromptLM.slot_ids, {}
res["head a2=1"] = embedding_use(lm, rows, std, a2=1.0)
for k in (4, 8, 16):
    words = []
    for c in rows["cont_ids"]:
        ws = sorted({t for t in c if shown[t]}, key=lambda t: b[t].item())[:k]
        words.append(ws)
    class Oracle(torch.nn.Module):
        def __init__(s, head): super().__init__(); s.head, s.latent_dim, s.bias = head, head.latent_dim, head.bias
        def forward(s, e, a2):
            q = s.head(e, a2)
            idx = torch.cdist(e.float(), z).argmin(1)            # which row's embedding this is (clean: exact)
            pad = torch.zeros_like(q); pad[:, 0, 0] = idx.to(q.dtype)
            return torch.cat([q, pad], 1)
    def pick(self, p, k=k, words=words):
        from dglm.bow import top_words
        head = top_words(self, (p[:, 0].detach().float() @ self.decoder.get_input_embeddings().weight.float().T)).tolist()
        out = []
        for r, h in zip(p[:, 1, 0].round().long().tolist(), head):
            w = words[r]; out.append(w + [t for t in h if t not in w][:16 - len(w)])
        return torch.tensor(out)
    head = lm.generator; lm.generator = Oracle(head); SoftPromptLM.slot_ids = pick
    try: res[f"oracle {k} + head {16 - k}"] = embedding_use(lm, rows, std, a2=1.0)
    finally: lm.generator = head; SoftPromptLM.slot_ids = own
for key, r in res.items():
    print(f"{key:>22}: true {r['true']:.3f} shuffled {r['shuffled']:.3f} none {r['none']:.3f}  gap {r['shuffled'] - r['true']:.3f}  none-true {r['none'] - r['true']:.3f}", flush=True)
out = sys.argv[1] if len(sys.argv) > 1 else "results/small-cpu/issue19/oracle_words_nll.json"
json.dump(res, open(out, "w"), indent=1)
