"""Decoder-stage throughput by batch size: the shipped checkpoint's preset (bow, 16 key words), bf16, SECONDS per batch size.

Usage: python tools/throughput_batch.py DATA OUT.json [8,16,32] [SECONDS]   (DATA: a `dglm prepare` folder)"""
import json, sys
from dglm.core import Preset
from dglm import recipes as R
data, out = sys.argv[1], sys.argv[2]
p = Preset.from_dict(json.load(open("dglm/checkpoints/small/config.json"))["preset"])
B = [int(b) for b in sys.argv[3].split(",")] if len(sys.argv) > 3 else [8, 16, 32]
V = {f"bf16, batch {b}": ({"train_decoder.bf16": True, "train_decoder.bucket": 0, "train_decoder.batch_size": b}, True) for b in B}
rows = R.decoder_throughput(p, data, seconds=float(sys.argv[4]) if len(sys.argv) > 4 else 60, variants=V)
print(R.throughput_table(rows)); json.dump(rows, open(out, "w"), indent=1)
