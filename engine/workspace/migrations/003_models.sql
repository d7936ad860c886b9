-- Models catalog (base models and trained adapters) and training runs.
CREATE TABLE models (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('text','image')),
    role       TEXT NOT NULL CHECK (role IN ('base','adapter')),
    path       TEXT NOT NULL,
    base_id    TEXT REFERENCES models(id) ON DELETE RESTRICT,
    sha256     TEXT NOT NULL DEFAULT '',
    lineage    TEXT NOT NULL DEFAULT '{}',
    info       TEXT NOT NULL DEFAULT '{}',
    demo       INTEGER NOT NULL DEFAULT 0,
    copied     INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL
);
CREATE INDEX models_kind ON models(kind, role);

CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'created',
    dir         TEXT NOT NULL,
    config      TEXT NOT NULL DEFAULT '{}',
    job_id      TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    model_id    TEXT REFERENCES models(id) ON DELETE SET NULL,
    step        INTEGER NOT NULL DEFAULT 0,
    total_steps INTEGER NOT NULL DEFAULT 0,
    best_metric REAL,
    result      TEXT NOT NULL DEFAULT '{}',
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
CREATE INDEX runs_kind ON runs(kind, created_at);
