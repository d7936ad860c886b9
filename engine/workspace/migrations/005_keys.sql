-- Bundle signing: this workspace's own Ed25519 keys (the private halves live in keys/, owner-only)
-- and the public keys of other departments it trusts. Its own keys are trusted implicitly.
CREATE TABLE signing_keys (
    name        TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,   -- SHA-256 of the raw public key, hex
    public_key  TEXT NOT NULL,          -- base64 of the raw 32-byte public key
    is_default  INTEGER NOT NULL DEFAULT 0,
    created_at  REAL NOT NULL
);

CREATE TABLE trusted_keys (
    fingerprint TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    public_key  TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',  -- the file it was trusted from
    added_at    REAL NOT NULL
);
