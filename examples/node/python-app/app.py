"""The Python side: a tiny web-app-style store that keeps Fernet tokens,
as a Flask app would keep them in its database or cookies.

    FERNET_KEY=... python3 app.py tokens.json "alice@example.com" "4111 1111 1111 1111"
"""
import json
import os
import sys

from cryptography.fernet import Fernet

fernet = Fernet(os.environ["FERNET_KEY"])
path, *secrets = sys.argv[1:]
tokens = [fernet.encrypt(secret.encode()).decode() for secret in secrets]
with open(path, "w") as f:
    json.dump({"tokens": tokens}, f)
print(f"wrote {len(tokens)} tokens to {path}")
