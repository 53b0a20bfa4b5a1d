import json, sys, torch
from dglm.pipeline import DGLMPipeline
from dglm.baselines import attribute_experts, dexperts_generate, plain_system
from dglm.evaluate import _read_prompts
from dglm.judges import default_judges
pipe = DGLMPipeline.from_pretrained("dglm/checkpoints/small")
P = [r["prompt"] if isinstance(r, dict) else r for r in _read_prompts("/work/data-cap", "toxicity", 24, "dev")]
pm, tok, good = attribute_experts(pipe, "toxicity", "/work/data-cap", progress=False)
J = default_judges("/work/data-cap", topic=False)
a = [c for g in dexperts_generate(pm, tok, P, 0.0, 2, 20, seed=0) for c in g]
b = [c for g in plain_system(pipe).generate(P, 2, 20, 0) for c in g]
PP = [p for p in P for _ in range(2)]
import numpy as np
for name, C in (("DExperts a=0 (SmolLM2 base)", a), ("plain decoder (DGLM's LoRA on)", b)):
    r = J["perplexity"](PP, C); print(name, "median ppl", round(float(np.median(r["ppl"])), 1), C[:2])
