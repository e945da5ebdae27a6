"""Sign a Faultline fault request (ADR 0008) in a few lines of Python.

Needs the `cryptography` package. Returns the value of the `ce_faultlinesig` header: an RS256
detached JWS over the canonical form faultline-request-v1. With confluent-kafka:

    sig = faultline_signature(key_pem, "acme/k1", headers, data, tenant="acme")
    producer.produce("faultline.fault-requests.v1", key="acme", value=data,
                     headers={**headers, "ce_faultlinesig": sig})

Command line (prints the header value):
    python3 faultline_sign.py KEY.pem KID TENANT ID TYPE SUBJECT TIME DATA_FILE
"""
import base64
import hashlib
import json
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def faultline_signature(key_pem: bytes, kid: str, headers: dict, data: bytes, tenant: str) -> str:
    canonical = (
        "faultline-request-v1\n"
        f"id={headers['ce_id']}\ntype={headers['ce_type']}\nsubject={headers['ce_subject']}\n"
        f"time={headers['ce_time']}\ntenant={tenant}\n"
        f"data-sha256={hashlib.sha256(data).hexdigest()}\n"
    ).encode("utf-8")
    header = _b64url(json.dumps({"alg": "RS256", "kid": kid}, separators=(",", ":")).encode())
    signing_input = f"{header}.{_b64url(canonical)}".encode("ascii")
    key = serialization.load_pem_private_key(key_pem, password=None)
    signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{header}..{_b64url(signature)}"


if __name__ == "__main__":
    key_file, kid, tenant, ce_id, ce_type, subject, time, data_file = sys.argv[1:9]
    with open(key_file, "rb") as k, open(data_file, "rb") as d:
        print(faultline_signature(
            k.read(), kid,
            {"ce_id": ce_id, "ce_type": ce_type, "ce_subject": subject, "ce_time": time},
            d.read(), tenant))
