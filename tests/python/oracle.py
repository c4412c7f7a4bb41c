"""Python's cryptography.fernet as an oracle for the JS tests.

Reads a JSON list of requests on stdin and writes a JSON list of results,
one per request, so a whole suite costs one interpreter start. Bytes travel
as standard base64. Every error is reported by its class name, so tests see
exactly what Python decided.
"""
import base64
import json
import sys

import cryptography
from cryptography.fernet import Fernet, InvalidToken, MultiFernet


def b64(data):
    return base64.b64encode(data).decode()


def unb64(text):
    return base64.b64decode(text)


def fernet_for(request):
    if "keys" in request:
        return MultiFernet([Fernet(k) for k in request["keys"]])
    return Fernet(request["key"])


def handle(request):
    op = request["op"]
    if op == "version":
        return {"version": cryptography.__version__}
    if op == "generate_key":
        return {"key": Fernet.generate_key().decode()}
    f = fernet_for(request)
    if op == "encrypt":
        data = unb64(request["data"])
        if "iv" in request:
            token = f._encrypt_from_parts(data, request["time"], unb64(request["iv"]))
        elif "time" in request:
            token = f.encrypt_at_time(data, request["time"])
        else:
            token = f.encrypt(data)
        return {"token": token.decode()}
    token = request["token"]
    if op == "decrypt":
        if "now" in request:
            data = f.decrypt_at_time(token, request["ttl"], request["now"])
        else:
            data = f.decrypt(token, request.get("ttl"))
        return {"data": b64(data)}
    if op == "extract_timestamp":
        # As a string: JSON numbers lose precision past 2^53.
        return {"timestamp": str(f.extract_timestamp(token))}
    if op == "rotate":
        return {"token": f.rotate(token).decode()}
    raise ValueError("unknown op " + op)


def main():
    results = []
    for request in json.load(sys.stdin):
        try:
            results.append(handle(request))
        except InvalidToken:
            results.append({"error": "InvalidToken"})
        except Exception as exc:  # the tests compare error classes
            results.append({"error": type(exc).__name__, "message": str(exc)})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
