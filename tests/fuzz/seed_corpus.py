#!/usr/bin/env python3
"""Write the seed corpora of the packet fuzz targets from the golden packets.

Usage: seed_corpus.py  (paths are relative to this script)

corpus/fuzz_pkt4 gets golden/v4, corpus/fuzz_pkt6 golden/v6 and corpus/fuzz_frame4
golden/frame4, one binary file per hex file, named after it. Files already in a corpus folder
(crashers added after fuzzing runs) are left alone.
"""
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
GOLDEN = HERE.parent / "unit" / "packet" / "golden"
TARGETS = {"fuzz_pkt4": "v4", "fuzz_pkt6": "v6", "fuzz_frame4": "frame4"}


def hex_bytes(path):
    text = "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())
    return bytes.fromhex("".join(text.split()))


for target, folder in TARGETS.items():
    out = HERE / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    for source in sorted((GOLDEN / folder).glob("*.hex")):
        (out / f"golden-{source.stem}").write_bytes(hex_bytes(source))
