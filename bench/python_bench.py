"""Python's cryptography.fernet on the same payloads, timed the same way as
bench/run.mjs times the JS implementations: repeated for at least MIN_SECONDS,
median of REPS rounds. Input (JSON on stdin): {key, sizes, min_seconds, reps}.
"""
import json
import statistics
import sys
import time

import cryptography
from cryptography.fernet import Fernet


def rate(fn, min_seconds):
    count, start = 0, time.perf_counter()
    while True:
        fn()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return count / elapsed


def main():
    spec = json.load(sys.stdin)
    f = Fernet(spec["key"])
    results = {"version": cryptography.__version__, "rates": {}}
    for size in spec["sizes"]:
        data = (b"fernet-wasm bench " * (size // 18 + 1))[:size]
        token = f.encrypt(data)
        enc = [rate(lambda: f.encrypt(data), spec["min_seconds"]) for _ in range(spec["reps"])]
        dec = [rate(lambda: f.decrypt(token), spec["min_seconds"]) for _ in range(spec["reps"])]
        results["rates"][str(size)] = {"encrypt": statistics.median(enc), "decrypt": statistics.median(dec)}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
