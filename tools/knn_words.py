"Probe (24_recipes): key words from the nearest training continuations, a non-parametric bag-of-words head, read by the shipped decoder. usage: python tools/knn_words.py NEIGHBOURS TEMPERATURE knn|mix DATA [transfer] (DATA: the decoder's prepared folder)"
import sys, torch, torch.nn.functional as F
from dglm.pipeline import DGLMPipeline
from dglm.prompt import SoftPromptLM
from dglm.stages import load_lm, load_stats
from dglm.diagnostics import embedding_use
from dglm.bow import shown_vocabulary
import dglm.bow
K_NB, TAU, MODE, DATA = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]   # neighbours, softmax temperature, knn|mix
pipe = DGLMPipeline.from_pretrained("dglm/checkpoints/small", merge_lora=False)
lm, st = pipe.lm, pipe.standardizer
st48 = ST = load_stats(DATA)
tr = load_lm(DATA, "train")
E = F.normalize(torch.tensor(tr["cont_emb"]), dim=-1)
V = lm.decoder.get_input_embeddings().weight.shape[0]
shown = shown_vocabulary(lm.tokenizer, V, 16)
rows, cols = [], []
for i, c in enumerate(tr["cont_ids"]):
    u = sorted(set(c)); rows += [i] * len(u); cols += u
M = torch.sparse_coo_tensor(torch.tensor([rows, cols]), torch.ones(len(rows)), (len(E), V)).coalesce().to_sparse_csr()
df = torch.bincount(torch.tensor(cols), minlength=V).float()
idf = (len(E) / (df + 1)).log() * shown
def knn_scores(z_std):
    raw = F.normalize(ST.invert(z_std), dim=-1)
    sim = raw @ E.T
    v, ix = sim.topk(K_NB, -1)
    w = (v / TAU).softmax(-1)
    s = torch.zeros(len(raw), V)
    for b in range(len(raw)):
        s[b] = w[b] @ torch.stack([M[int(j)].to_dense() for j in ix[b]])
    return s * idf
class Gen(torch.nn.Module):
    def __init__(s, g): super().__init__(); s.g = g; s.latent_dim = g.latent_dim; s.p = torch.nn.Parameter(torch.zeros(1))
    def forward(s, emb, a2): s.last = emb; return s.g(emb, a2)
def slot_ids(self, prompt):
    sk = knn_scores(self.generator.last.float())
    if MODE == "mix":
        sh = (prompt.detach().float() @ self.decoder.get_input_embeddings().weight.float().T)[:, 0]
        sh = sh.masked_fill(~shown, -1e4).log_softmax(-1)
        sk = sh + 2.0 * (sk / sk.amax(-1, keepdim=True).clamp(min=1e-6))
    return sk.masked_fill(~shown, -torch.inf).topk(self.num_tokens, -1).indices
SoftPromptLM.slot_ids = slot_ids
lm.generator = Gen(lm.generator)
test = load_lm(DATA, "test").select(range(128))
torch.manual_seed(0)
r = embedding_use(lm, test, st48, seed=0)
print(MODE, K_NB, TAU, {k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}, "gap", round(r["shuffled"] - r["true"], 3), "none-true", round(r["none"] - r["true"], 3), flush=True)
if len(sys.argv) > 5:
    from dglm.recipes import attribute_transfer
    from dglm.judges import VaderJudge
    tr_ = attribute_transfer(lm, DATA, st48, 64, seed=0)
    print("transfer", {k: v for k, v in tr_.items() if not k.startswith("texts")})
    for k in ("positive", "negative"): print(k, [t.replace("\n", " ")[:100] for t in tr_["texts_" + k][:4]])
