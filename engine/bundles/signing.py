"""Ed25519 signatures on bundles: who made a bundle, and proof that nobody changed it since.

The signature covers the exact bytes of ``manifest.json``, and the manifest holds
the size and SHA-256 of every file, so changing any file (even with its hash
recomputed in the manifest) breaks the signature. It travels as
``signature.json`` beside the manifest, with the signer's public key, so any
machine can say who signed; whether that signer is trusted is the workspace's
decision (``engine.bundles.keys``). Hashes catch accidents; signatures catch people.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import time
from dataclasses import dataclass

from engine.errors import UserError
from engine.i18n import tr

SIGNATURE_NAME = "signature.json"
SIGNATURE_FORMAT = "aigc-bundle-signature"
PUBLIC_KEY_FORMAT = "aigc-public-key"
MAX_SIGNATURE_BYTES = 64 << 10
KEY_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
ALTERED_HINT = "do not import it; ask the sender for a fresh copy and check who made it"


def fingerprint(raw_public: bytes) -> str:
    return hashlib.sha256(raw_public).hexdigest()


def short_fingerprint(fp: str) -> str:
    """What people compare by eye: the first 16 hex digits in groups of four."""
    return ":".join(fp[i:i + 4] for i in range(0, 16, 4))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text, where: str, length: int | None = None) -> bytes:
    try:
        data = base64.b64decode(str(text), validate=True)
    except (binascii.Error, ValueError):
        raise UserError(tr("{where} is not valid base64", where=where), hint=ALTERED_HINT) from None
    if length is not None and len(data) != length:
        raise UserError(tr("{where} has {count} bytes, an Ed25519 value has {length}", where=where, count=len(data), length=length), hint=ALTERED_HINT)
    return data


@dataclass
class Signature:
    key_name: str       # the name the signer gave its key
    public_key: bytes   # raw 32 bytes
    signed_at: float

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def sign_manifest(private_key, key_name: str, manifest_bytes: bytes) -> bytes:
    """The ``signature.json`` for ``manifest_bytes``, signed with an Ed25519 private key."""
    from cryptography.hazmat.primitives import serialization
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    doc = {"format": SIGNATURE_FORMAT, "version": 1, "algorithm": "ed25519", "key_name": key_name,
           "public_key": b64(raw), "fingerprint": fingerprint(raw), "signed_at": time.time(),
           "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
           "signature": b64(private_key.sign(manifest_bytes))}
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


def verify_signature(data: bytes, manifest_bytes: bytes, bundle_name: str) -> Signature:
    """Parse ``signature.json`` and check it signs exactly ``manifest_bytes``; any doubt is a refusal."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    where = f"{bundle_name}: {SIGNATURE_NAME}"
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(tr("{where} is not valid JSON ({exc})", where=where, exc=exc), hint=ALTERED_HINT) from None
    if not isinstance(doc, dict) or doc.get("format") != SIGNATURE_FORMAT:
        raise UserError(tr("{where}: field 'format' is not '{signature_format}'", where=where, signature_format=SIGNATURE_FORMAT), hint=ALTERED_HINT)
    if doc.get("algorithm") != "ed25519":
        raise UserError(tr("{where}: algorithm {get!r} is not ed25519", where=where, get=doc.get('algorithm')),
                        hint=tr("this bundle may come from a newer version of AIGC Workbench"))
    name = doc.get("key_name")
    if not isinstance(name, str) or not KEY_NAME_RE.match(name):
        raise UserError(tr("{where}: field 'key_name' is missing or not a key name", where=where), hint=ALTERED_HINT)
    raw = unb64(doc.get("public_key"), f"{where} field 'public_key'", 32)
    signature = unb64(doc.get("signature"), f"{where} field 'signature'", 64)
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, manifest_bytes)
    except InvalidSignature:
        raise UserError(tr("{bundle_name}: manifest.json does not match its signature by key '{name}' "
                           "({short_fingerprint}); the bundle was changed after it was signed", bundle_name=bundle_name, name=name, short_fingerprint=short_fingerprint(fingerprint(raw))),
                        hint=ALTERED_HINT) from None
    signed_at = doc.get("signed_at")
    return Signature(name, raw, float(signed_at) if isinstance(signed_at, (int, float)) else 0.0)
