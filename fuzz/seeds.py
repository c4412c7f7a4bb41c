"""Writes the libFuzzer seed corpora, fresh on every run: the official Fernet
vectors kept in tests/vectors/, tokens that Python's cryptography makes here
and now, and the inputs earlier campaigns found (fuzz/corpus/<target>.txt).

usage: seeds.py [--fresh] OUT_DIR [VECTORS_DIR]
                                  (VECTORS_DIR defaults to tests/vectors;
                                  --fresh: without the kept inputs)
       seeds.py --keep TARGET DIR  (DIR's inputs become fuzz/corpus/TARGET.txt)
A missing or empty vectors folder is an error, never a silent fallback.
Each target gets OUT_DIR/<target>/, in that target's input layout
(fuzz/*.cpp): key bytes first, then the fields the target reads.

The kept inputs are what lets the short runs of npm test start where a long
campaign ended: a minimal set (libFuzzer's -merge=1, scripts/fuzz.sh --keep)
with that campaign's coverage, one input per line in base64, sorted, so the
file changes only when the set does.
"""
import base64
import datetime
import glob
import hashlib
import json
import os
import struct
import sys

from cryptography.fernet import Fernet


def seconds(rfc3339):
    return int(datetime.datetime.fromisoformat(rfc3339).timestamp())


HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "tests", "vectors")
KEPT = os.path.join(HERE, "corpus")


def vector_cases(directory):
    # Each file is one set in the project's format (tests/vectors/README.md).
    cases = []
    for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
        with open(path) as f:
            cases.extend(json.load(f)["cases"])
    if not cases:
        raise SystemExit(f"seeds.py: no vectors in {directory}")
    return cases


def python_cases():
    # Sizes around the block boundaries, and times at the edges of 64 bits.
    cases = []
    for size, time in [(0, 0), (1, 1), (15, 60), (16, 2**32), (17, 2**63), (31, 2**64 - 1),
                       (32, 1_700_000_000), (100, 123)]:
        key = Fernet.generate_key()
        token = Fernet(key)._encrypt_from_parts(os.urandom(size), time, os.urandom(16))
        cases.append({"secret": key.decode(), "token": token.decode(), "now": time, "ttl_sec": 60})
    return cases


def write(out, target, seed):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, hashlib.sha1(seed).hexdigest()), "wb") as f:
        f.write(seed)


def kept_inputs(target):
    path = os.path.join(KEPT, f"{target}.txt")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [base64.b64decode(line) for line in f if line.strip() and not line.startswith("#")]


def keep(target, folder):
    inputs = []
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), "rb") as f:
            inputs.append(f.read())
    lines = sorted(base64.b64encode(data).decode() for data in inputs)
    os.makedirs(KEPT, exist_ok=True)
    with open(os.path.join(KEPT, f"{target}.txt"), "w") as f:
        f.write(f"# fuzz_{target}: inputs kept from campaigns (fuzz/seeds.py), base64, one per line\n")
        f.writelines(line + "\n" for line in lines)
    print(f"seeds.py: kept {len(lines)} inputs for {target}")


def main():
    args = sys.argv[1:]
    if args[0] == "--keep":
        keep(args[1], args[2])
        return
    fresh = args[0] == "--fresh"
    if fresh:
        args = args[1:]
    out = args[0]
    vectors = vector_cases(args[1] if len(args) > 1 else VECTORS)
    cases = vectors + python_cases()
    for case in cases:
        secret = case["secret"].encode()
        key = base64.urlsafe_b64decode(secret)
        token = case["token"].encode()
        now = case["now"] if isinstance(case["now"], int) else seconds(case["now"])
        ttl = case.get("ttl_sec", 60)
        write(out, "key", secret)
        write(out, "decrypt", key + token)
        write(out, "stream", key + bytes([len(token) % 256]) + token)
        try:
            body = base64.urlsafe_b64decode(token)[:-32]
        except ValueError:  # the vectors' deliberately broken base64
            body = b""
        write(out, "decrypt_signed", key + body)
        write(out, "decrypt_ttl", key + struct.pack(">qQ", ttl, now) + token)
        other = os.urandom(32)
        for count, keys in [(1, key), (2, other + key), (3, key + other + other)]:
            write(out, "multifernet", bytes([count - 1]) + keys + os.urandom(16) + token)
    kept = 0
    for path in [] if fresh else sorted(glob.glob(os.path.join(KEPT, "*.txt"))):
        target = os.path.basename(path)[: -len(".txt")]
        for data in kept_inputs(target):
            write(out, target, data)
            kept += 1
    print(f"seeds.py: {len(cases)} tokens ({len(vectors)} from the vectors) and {kept} kept inputs -> {out}")


if __name__ == "__main__":
    main()
