"""Issue 19: a bag-of-words head (`prompt.kind="bow"`) trained alone, no decoder pass, then the untrained (LoRA B = 0) decoder
reads its words before the prefix: held-out NLL (true / shuffled / none) and attribute transfer, for three ways of
picking the words: q E^T + w b for w = 0 (pointwise mutual information, what `SoftPromptLM.slot_ids` does), 0.5 and 1 (most probable).

usage: python tools/bow_probe.py DATA STEPS OUT_PREFIX     (writes OUT_PREFIX.json and the head OUT_PREFIX.head.pt)
"""
import json, sys, time, torch
from dglm.core import get_preset
from dglm.stages import build_soft_prompt_lm, load_lm, load_stats, warm_start
from dglm.diagnostics import embedding_use
from dglm.recipes import attribute_transfer
torch.manual_seed(0); torch.set_num_threads(2)
DATA, steps, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
p = get_preset("small", {"prompt.kind": "bow", "prompt.position": "before", "prompt.bow_weight": 1.0})
lm = build_soft_prompt_lm(p, 384)
std = load_stats(DATA)
tr = load_lm(DATA, "train")
e = std(torch.tensor(tr["cont_emb"])); c = tr["cont_ids"]
t = time.time()
losses = warm_start(lm, e, c, steps=steps, batch_size=256, lr=1e-3, bf16=True, progress=False)
res = dict(steps=steps, seconds=time.time() - t, bow_first=losses[0], bow_last=sum(losses[-50:]) / 50)
print(res, flush=True)
torch.save(lm.generator.state_dict(), out + ".head.pt")
rows = load_lm(DATA, "test").select(range(96))
lm.eval()
for name, bias_w in (("pmi", 0.0), ("pmi+0.5b", 0.5), ("probable", 1.0)):
    b = lm.generator.bias.detach().clone()
    orig = lm.slot_ids
    def ids(prompt, w=bias_w):
        s = prompt.detach().float() @ lm.decoder.get_input_embeddings().weight.float().T + w * b
        s[..., lm.tokenizer.all_special_ids] = -torch.inf
        return s[:, 0].topk(lm.num_tokens, -1).indices
    lm.slot_ids = ids
    t = time.time()
    nll = embedding_use(lm, rows, std)
    words = lm.slot_words(std(torch.tensor(rows[:4]["cont_emb"])), 0.95)
    tr_ = attribute_transfer(lm, DATA, std, 64)
    res[name] = dict(nll=nll, words=words, transfer={k: v for k, v in tr_.items() if not k.startswith("texts")},
                     examples={k: v[:4] for k, v in tr_.items() if k.startswith("texts")}, seconds=time.time() - t)
    print(name, json.dumps({k: v for k, v in res[name].items() if k != "examples"}), flush=True)
    del lm.slot_ids
json.dump(res, open(out + ".json", "w"), indent=1)
