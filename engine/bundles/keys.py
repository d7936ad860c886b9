"""``engine.keys``: a department's signing keys, the public keys it trusts, and its signature policy.

The private half of each key is a PEM file in the workspace's ``keys/`` folder,
readable by its owner only (0600, folder 0700). Public keys of other departments
are trusted per workspace (``aigc keys trust FILE``); a workspace always trusts
its own keys. The policy ``bundles.require_signature`` makes every import refuse
unsigned bundles and bundles signed by keys it does not trust.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from engine import atomic
from engine.bundles.signing import (KEY_NAME_RE, PUBLIC_KEY_FORMAT, Signature, b64, fingerprint, short_fingerprint,
                                    unb64)
from engine.errors import NotFound, UserError
from engine.i18n import tr

POLICY_KEY = "bundles.require_signature"
DEFAULT_NAME = "department"


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not KEY_NAME_RE.match(name):
        raise UserError(tr("'{name}' is not a usable key name", name=name),
                        hint=tr("use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"))
    return name


def _raw_public(private_key) -> bytes:
    from cryptography.hazmat.primitives import serialization
    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def read_public_key_file(path: Path) -> tuple[str | None, bytes]:
    """``(name or None, raw public key)`` from an exported key file (JSON) or a PEM Ed25519 public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(tr("{path}: cannot be read ({strerror})", path=path, strerror=exc.strerror), hint=tr("give the path of a public key file")) from None
    if len(data) > 64 << 10:
        raise UserError(tr("{path}: too large for a public key file", path=path), hint=tr("give the file 'aigc keys export' wrote"))
    if data.lstrip().startswith(b"-----BEGIN"):
        if b"PRIVATE KEY" in data:
            raise UserError(tr("{path} holds a private key", path=path), hint=tr("trust the public key: 'aigc keys export' on its machine writes it; never copy a private key"))
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError as exc:
            raise UserError(tr("{path}: not a readable PEM public key ({exc})", path=path, exc=exc)) from None
        if not isinstance(key, Ed25519PublicKey):
            raise UserError(tr("{path}: not an Ed25519 key", path=path), hint=tr("bundles are signed with Ed25519 keys"))
        return None, key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(tr("{path}: not a public key file (line {getattr}: not valid JSON)", path=path, getattr=getattr(exc, 'lineno', '?')),
                        hint=tr("give the file 'aigc keys export' wrote")) from None
    if not isinstance(doc, dict) or doc.get("format") != PUBLIC_KEY_FORMAT:
        raise UserError(tr("{path}: field 'format' is not '{public_key_format}'", path=path, public_key_format=PUBLIC_KEY_FORMAT),
                        hint=tr("give the file 'aigc keys export' wrote"))
    raw = unb64(doc.get("public_key"), f"{path} field 'public_key'", 32)
    if doc.get("fingerprint") not in (None, fingerprint(raw)):
        raise UserError(tr("{path}: field 'fingerprint' does not belong to its public key", path=path),
                        hint=tr("the file was altered; export the key again"))
    name = doc.get("name")
    return (name if isinstance(name, str) and KEY_NAME_RE.match(name) else None), raw


class KeysAPI:
    def __init__(self, engine):
        self.engine = engine
        self.ws = engine.workspace

    # -- own keys -------------------------------------------------------------
    def folder(self) -> Path:
        folder = self.ws.folder("keys")
        if os.name != "nt":
            os.chmod(folder, 0o700)
        return folder

    def _private_path(self, name: str) -> Path:
        return self.folder() / f"{name}.key"

    def create(self, name: str | None = None, make_default: bool = False) -> dict:
        """A new Ed25519 key pair; the first one becomes the default signing key."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        name = _check_name(name or DEFAULT_NAME)
        con = self.ws.db()
        if con.execute("SELECT 1 FROM signing_keys WHERE name = ?", (name,)).fetchone():
            raise UserError(tr("a signing key named '{name}' already exists", name=name), hint=tr("choose another name"), options=("--name",))
        key = Ed25519PrivateKey.generate()
        raw = _raw_public(key)
        path = self._private_path(name)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        atomic.write_bytes(path, pem)
        if os.name != "nt":
            os.chmod(path, 0o600)
        try:
            with self.ws.transaction() as tx:
                first = tx.execute("SELECT count(*) FROM signing_keys").fetchone()[0] == 0
                if make_default:
                    tx.execute("UPDATE signing_keys SET is_default = 0")
                tx.execute("INSERT INTO signing_keys(name, fingerprint, public_key, is_default, created_at) "
                           "VALUES (?, ?, ?, ?, ?)", (name, fingerprint(raw), b64(raw), int(first or make_default),
                                                      time.time()))
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return {"name": name, "fingerprint": fingerprint(raw), "short": short_fingerprint(fingerprint(raw)),
                "default": bool(first or make_default), "private_key": str(path)}

    def own(self) -> list[dict]:
        rows = self.ws.db().execute("SELECT * FROM signing_keys ORDER BY created_at")
        return [{"name": r["name"], "fingerprint": r["fingerprint"], "short": short_fingerprint(r["fingerprint"]),
                 "default": bool(r["is_default"]), "own": True} for r in rows]

    def trusted(self) -> list[dict]:
        rows = self.ws.db().execute("SELECT * FROM trusted_keys ORDER BY added_at")
        return [{"name": r["name"], "fingerprint": r["fingerprint"], "short": short_fingerprint(r["fingerprint"]),
                 "source": r["source"], "own": False} for r in rows]

    def list(self) -> dict:
        return {"own": self.own(), "trusted": self.trusted(), "require_signature": self.require_signature()}

    def default_name(self) -> str | None:
        row = self.ws.db().execute("SELECT name FROM signing_keys WHERE is_default = 1").fetchone()
        return row[0] if row else None

    def _own_row(self, name: str | None):
        name = name or self.default_name()
        if name is None:
            raise NotFound(tr("this workspace has no signing key"), hint=tr("create one with 'aigc keys create'"))
        row = self.ws.db().execute("SELECT * FROM signing_keys WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(tr("no signing key named '{name}' in this workspace", name=name), hint=tr("'aigc keys list' shows them"))
        return row

    def describe_own(self, name: str) -> str:
        """The fingerprint of one of this workspace's keys."""
        return self._own_row(name)["fingerprint"]

    def private_key(self, name: str | None = None):
        """``(name, Ed25519PrivateKey)``; refuses a key file that is readable by others or does not match."""
        from cryptography.hazmat.primitives import serialization
        row = self._own_row(name)
        path = self._private_path(row["name"])
        try:
            if os.name != "nt" and path.stat().st_mode & 0o077:
                raise UserError(tr("{path}: the private key is readable by other users", path=path),
                                hint=tr("run 'chmod 600 {path}', then check nobody copied it", path=path))
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except FileNotFoundError:
            raise UserError(tr("{path}: the private key of '{name}' is missing", path=path, name=row['name']),
                            hint=tr("restore it from a backup, or create a new key and send its public key again")
                            ) from None
        except ValueError as exc:
            raise UserError(tr("{path}: not a readable private key ({exc})", path=path, exc=exc)) from None
        if fingerprint(_raw_public(key)) != row["fingerprint"]:
            raise UserError(tr("{path} does not hold the key '{name}' was created with", path=path, name=row['name']),
                            hint=tr("restore the original file from a backup"))
        return row["name"], key

    def export_public(self, name: str | None = None, out=None) -> dict:
        """Write the public half of a key to share with departments that will trust it (never the private one)."""
        row = self._own_row(name)
        doc = {"format": PUBLIC_KEY_FORMAT, "name": row["name"], "algorithm": "ed25519",
               "public_key": row["public_key"], "fingerprint": row["fingerprint"]}
        out = Path(out or f"{row['name']}.pub.json").expanduser().resolve()
        if out.is_dir():
            out = out / f"{row['name']}.pub.json"
        atomic.write_json(out, doc)
        if os.name != "nt":
            os.chmod(out, 0o644)  # a public key is meant to be read
        return {"name": row["name"], "fingerprint": row["fingerprint"], "short": short_fingerprint(row["fingerprint"]),
                "out": str(out)}

    # -- trust ----------------------------------------------------------------
    def trust(self, path, name: str | None = None) -> dict:
        """Trust the public key in ``path`` for bundles imported into this workspace."""
        claimed, raw = read_public_key_file(path)
        name = _check_name(name or claimed or "")
        fp = fingerprint(raw)
        con = self.ws.db()
        own = con.execute("SELECT name FROM signing_keys WHERE fingerprint = ?", (fp,)).fetchone()
        if own:
            return {"name": own[0], "fingerprint": fp, "short": short_fingerprint(fp), "added": False,
                    "note": "this workspace's own key is always trusted"}
        known = con.execute("SELECT name FROM trusted_keys WHERE fingerprint = ?", (fp,)).fetchone()
        if known:
            return {"name": known[0], "fingerprint": fp, "short": short_fingerprint(fp), "added": False,
                    "note": f"already trusted as '{known[0]}'"}
        if con.execute("SELECT 1 FROM trusted_keys WHERE name = ?", (name,)).fetchone():
            raise UserError(tr("another trusted key is already named '{name}'", name=name), hint=tr("give this one another name"), options=("--name NEW",))
        con.execute("INSERT INTO trusted_keys(fingerprint, name, public_key, source, added_at) VALUES (?,?,?,?,?)",
                    (fp, name, b64(raw), str(Path(path).expanduser().resolve()), time.time()))
        return {"name": name, "fingerprint": fp, "short": short_fingerprint(fp), "added": True}

    def untrust(self, name: str) -> dict:
        con = self.ws.db()
        removed = con.execute("DELETE FROM trusted_keys WHERE name = ? OR fingerprint = ?", (name, name)).rowcount
        if not removed:
            raise NotFound(tr("no trusted key named '{name}'", name=name), hint=tr("'aigc keys list' shows them"))
        return {"name": name, "removed": True}

    def describe(self, signature: Signature | None) -> dict:
        """Who signed a bundle, as this workspace sees it."""
        if signature is None:
            return {"signed": False, "trusted": False}
        fp = signature.fingerprint
        con = self.ws.db()
        own = con.execute("SELECT name FROM signing_keys WHERE fingerprint = ?", (fp,)).fetchone()
        known = own or con.execute("SELECT name FROM trusted_keys WHERE fingerprint = ?", (fp,)).fetchone()
        return {"signed": True, "key_name": signature.key_name, "fingerprint": fp, "short": short_fingerprint(fp),
                "trusted": known is not None, "trusted_as": known[0] if known else None, "own": own is not None,
                "signed_at": signature.signed_at}

    # -- policy ---------------------------------------------------------------
    def require_signature(self) -> bool:
        return self.ws.get_setting(POLICY_KEY, "0") == "1"

    def set_require_signature(self, on: bool) -> dict:
        self.ws.set_setting(POLICY_KEY, "1" if on else "0")
        return {"require_signature": bool(on)}


def signature_problem(info: dict, bundle: str) -> UserError | None:
    """Why a bundle with this signature ``info`` (``KeysAPI.describe``) may not be imported where signatures are
    required, or None."""
    if not info["signed"]:
        return UserError(tr("{bundle} is not signed, and this import requires a signature from a trusted key", bundle=bundle),
                         hint=tr("ask the sender to export it with a signing key ('aigc keys create'), or turn the policy "
                                 "off with 'aigc keys require off'"))
    if not info["trusted"]:
        return UserError(tr("{bundle} is signed by key '{key_name}' ({short}), which this workspace does not trust", bundle=bundle, key_name=info['key_name'], short=info['short']), hint=tr("compare the fingerprint with the sender, then run 'aigc keys trust THEIR_KEY.pub.json'"))
    return None
