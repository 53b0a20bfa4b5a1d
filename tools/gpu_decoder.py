#!/usr/bin/env python
"""The decoder stage on a borrowed GPU (the library's `device` tool: 64 MiB carried per call, nothing reachable there,
no `datasets`, no fastcore). `pack` writes here what the run needs as pieces of at most 60 MiB; each device call
carries one piece (they stay on the warm machine); the last call trains for a fixed time and brings back the
trained part (adapter and generator, a few MB).

  python tools/gpu_decoder.py pack DATA gpu [--preset small] [--examples 48000] [--set prompt.kind=words ...]
      -> gpu/pieces/00, 01, ...; prints the device calls in order
  python tools/gpu_decoder.py train gpu OUT [--minutes 6] [--set train_decoder.batch_size=64 ...]
      -> OUT/prompt (what `dglm` loads as a pipeline's prompt/ part), OUT/history.json
"""
import argparse, json, shutil, sys, time
from pathlib import Path
import numpy as np

PIECE = 60 << 20

def _ids(rows)->tuple:
    "A ragged list of token ids as (uint16 values, int64 offsets)."
    lens = np.array([len(r) for r in rows]); off = np.concatenate([[0], np.cumsum(lens)])
    return np.concatenate([np.asarray(r, dtype=np.uint16) for r in rows]), off

def _unids(vals, off)->list: return [vals[a:b].astype(np.int64).tolist() for a, b in zip(off[:-1], off[1:])]

def _emb8(x:np.ndarray)->tuple:
    "Unit embeddings as int8 codes with a per-row scale (the error is far below the noise the generator is trained with)."
    s = np.abs(x).max(1, keepdims=True) / 127; return np.round(x / s).astype(np.int8), s.astype(np.float32)

def pack(a):
    import torch, datasets, glob
    from safetensors.torch import load_file, save_file
    from dglm.core import get_preset
    from dglm.hub import resolve_model
    preset = get_preset(a.preset, dict(s.split("=", 1) for s in a.set or []))
    out = Path(a.out); shutil.rmtree(out/"pieces", ignore_errors=True)
    stage = out/"stage"; shutil.rmtree(stage, ignore_errors=True); stage.mkdir(parents=True)
    lm = datasets.load_from_disk(str(Path(a.data)/"lm"))
    tr = lm["train"].select(range(min(a.examples, len(lm["train"])))); va = lm["validation"].select(range(min(128, len(lm["validation"]))))
    arrays = {}
    for name, ds in (("train", tr), ("val", va)):
        (arrays[f"{name}_p"], arrays[f"{name}_po"]), (arrays[f"{name}_c"], arrays[f"{name}_co"]) = _ids(ds["prefix_ids"]), _ids(ds["cont_ids"])
        arrays[f"{name}_e"], arrays[f"{name}_es"] = _emb8(np.asarray(ds["cont_emb"], dtype=np.float32))
    np.savez(stage/"data.npz", **arrays)
    shutil.copy(Path(a.data)/"stats.safetensors", stage/"stats.safetensors")
    model = Path(resolve_model(preset.decoder.name)); (stage/"model").mkdir()
    for f in model.iterdir():
        if f.suffix != ".safetensors": shutil.copy(f, stage/"model"/f.name)
    weights = {}
    for f in sorted(glob.glob(str(model/"model*.safetensors"))): weights.update(load_file(f))
    group, size, k = {}, 0, 0
    for n, t in weights.items():                      # bf16 shards: frozen matrices train in bf16 anyway
        t = t.to(torch.bfloat16) if t.is_floating_point() else t
        if size + t.numel() * t.element_size() > PIECE - (1 << 20) and group:
            save_file(group, str(stage/"model"/f"weights-{k:02d}.safetensors")); group, size, k = {}, 0, k + 1
        group[n] = t.contiguous(); size += t.numel() * t.element_size()
    save_file(group, str(stage/"model"/f"weights-{k:02d}.safetensors"))
    for lib in ("fastcore",):                         # pure-Python dependencies the machine lacks
        import importlib; shutil.copytree(Path(importlib.import_module(lib).__file__).parent, stage/"lib"/lib,
                                          ignore=shutil.ignore_patterns("__pycache__"))
    (stage/"meta.json").write_text(json.dumps(dict(preset=a.preset, overrides=a.set or [], examples=len(tr))))
    pieces = _distribute(stage, out/"pieces")
    print(f"{len(tr)} examples, {len(pieces)} pieces (each <= {PIECE >> 20} MiB). Device calls, in order, without pausing:")
    for i, p in enumerate(pieces):
        last = i == len(pieces) - 1
        cmd = "python3 tools/gpu_decoder.py train gpu $OUT/run --minutes 6" if last else "du -sh gpu"
        print(f"  run(carry=['{p}'], command='{cmd}')")

def _distribute(stage:Path, dest:Path)->list:
    "Move the files of `stage` into piece folders of at most PIECE bytes (biggest first), keeping relative paths."
    files = sorted((f for f in stage.rglob("*") if f.is_file()), key=lambda f: -f.stat().st_size)
    bins = []
    for f in files:
        b = next((b for b in bins if b[0] + f.stat().st_size <= PIECE), None)
        if b is None: bins.append(b := [0, []])
        b[0] += f.stat().st_size; b[1].append(f)
    for i, (_, fs) in enumerate(bins):
        for f in fs:
            t = dest/f"{i:02d}"/f.relative_to(stage); t.parent.mkdir(parents=True, exist_ok=True); shutil.move(str(f), t)
    shutil.rmtree(stage)
    return [str(dest/f"{i:02d}") for i in range(len(bins))]

def _gather(root:Path)->Path:
    "Merge the piece folders back into one tree (symlinks), as `pack` staged it."
    tree = root/"tree"; shutil.rmtree(tree, ignore_errors=True)
    for piece in sorted((root/"pieces").iterdir()):
        for f in piece.rglob("*"):
            if f.is_file(): t = tree/f.relative_to(piece); t.parent.mkdir(parents=True, exist_ok=True); t.symlink_to(f.resolve())
    return tree

def train(a):
    root = Path(a.pack); tree = _gather(root)
    sys.path.insert(0, str(tree/"lib"))
    import torch
    from safetensors.torch import load_file
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    from dglm.core import get_preset
    from dglm.encoder import Standardizer
    from dglm.prompt import PromptGenerator, SoftPromptLM
    from dglm.adapt import apply_adaptation
    from dglm.stages import DecoderStage
    from dglm.train import fit
    meta = json.loads((tree/"meta.json").read_text())
    preset = get_preset(meta["preset"], dict(s.split("=", 1) for s in meta["overrides"] + (a.set or [])))
    cfg = AutoConfig.from_pretrained(tree/"model")
    dec = AutoModelForCausalLM.from_config(cfg, dtype=torch.float32)
    sd = {}
    for f in sorted((tree/"model").glob("weights-*.safetensors")): sd.update({k: v.float() for k, v in load_file(f).items()})
    missing, unexpected = dec.load_state_dict(sd, strict=False); dec.tie_weights(); dec.eval()
    if unexpected or [k for k in missing if "lm_head" not in k]: raise SystemExit(f"weights do not fit: {missing[:3]} {unexpected[:3]}")
    tok = AutoTokenizer.from_pretrained(tree/"model")
    if tok.pad_token is None: tok.pad_token = tok.eos_token
    dec = apply_adaptation(dec, preset.decoder)
    d = np.load(tree/"data.npz")
    emb = lambda n: torch.from_numpy(d[f"{n}_e"].astype(np.float32) * d[f"{n}_es"])
    val = dict(prefix_ids=_unids(d["val_p"], d["val_po"]), cont_ids=_unids(d["val_c"], d["val_co"]), cont_emb=emb("val").tolist())
    gen = PromptGenerator(preset.prompt, emb("train").shape[1], dec.get_input_embeddings().embedding_dim)
    lm = SoftPromptLM(dec, tok, gen, preset.prompt, preset.decoder)
    stage = DecoderStage.from_arrays(preset, _unids(d["train_p"], d["train_po"]), _unids(d["train_c"], d["train_co"]),
                                     emb("train"), val, Standardizer.load(tree/"stats.safetensors"), lm)
    if preset.prompt.warm_start_steps and not a.resume:
        from dglm.stages import warm_start
        stage.model.to("cuda" if torch.cuda.is_available() else "cpu")
        warm_start(stage.model, stage.e, stage.c, preset.prompt.warm_start_steps, progress=False)
    t0 = time.time()
    r = fit(stage, preset.train_decoder, a.out, max_steps=preset.train_decoder.max_steps, resume=a.resume,
            time_limit=a.minutes * 60, log_every=a.log_every, progress=False)
    r["ema"].save_trainable(Path(a.out)/"prompt")
    (Path(a.out)/"history.json").write_text(json.dumps(dict(preset=meta, set=a.set, steps=r["step"], wall_s=time.time() - t0,
                                                             device=str(stage.device), history=r["history"]), indent=1))
    shutil.rmtree(Path(a.out)/"train_state", ignore_errors=True)     # optimiser state: too big to bring back, not needed
    print(json.dumps(r["history"][-1]))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0]); sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack"); p.add_argument("data"); p.add_argument("out"); p.add_argument("--preset", default="small")
    p.add_argument("--examples", type=int, default=48000); p.add_argument("--set", nargs="*")
    t = sub.add_parser("train"); t.add_argument("pack"); t.add_argument("out"); t.add_argument("--minutes", type=float, default=6)
    t.add_argument("--set", nargs="*"); t.add_argument("--resume", action="store_true"); t.add_argument("--log-every", type=int, default=100)
    a = ap.parse_args()
    pack(a) if a.cmd == "pack" else train(a)

if __name__ == "__main__": main()
