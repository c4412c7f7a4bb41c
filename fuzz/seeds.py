"""Writes the libFuzzer seed corpora, fresh on every run (no corpus is kept in
the repo): the official Fernet vectors kept in tests/vectors/, plus tokens
that Python's cryptography makes here and now.

usage: seeds.py OUT_DIR [VECTORS_DIR]   (VECTORS_DIR defaults to tests/vectors)
A missing or empty vectors folder is an error, never a silent fallback.
Each target gets OUT_DIR/<target>/, in that target's input layout
(fuzz/*.cpp): key bytes first, then the fields the target reads.
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


VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "vectors")


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


def main():
    out = sys.argv[1]
    vectors = vector_cases(sys.argv[2] if len(sys.argv) > 2 else VECTORS)
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
    print(f"seeds.py: {len(cases)} tokens ({len(vectors)} from the vectors) -> {out}")


if __name__ == "__main__":
    main()
