-- Classification answers, per-output timing, and every evaluation kept for the leaderboard.
ALTER TABLE task_outputs ADD COLUMN confidence REAL;      -- classify tasks: the answer's probability
ALTER TABLE task_outputs ADD COLUMN scores TEXT;          -- classify tasks: JSON {label: probability}
ALTER TABLE task_outputs ADD COLUMN elapsed REAL;         -- seconds spent on this output (batch time / batch size)
CREATE INDEX task_outputs_confidence ON task_outputs(task_name, confidence);

-- One row per evaluated system (base model or adapter) per evaluation job.
CREATE TABLE task_evals (
    id              INTEGER PRIMARY KEY,
    task_name       TEXT NOT NULL,
    job_id          TEXT,
    kind            TEXT NOT NULL CHECK (kind IN ('classify', 'generate')),
    method          TEXT NOT NULL,          -- scored (label likelihood), free (unconstrained), generate
    dataset         TEXT NOT NULL,
    dataset_version INTEGER,
    dataset_hash    TEXT,
    split           TEXT NOT NULL,
    examples        INTEGER NOT NULL,
    model           TEXT NOT NULL,
    model_sha256    TEXT,
    adapter         TEXT,
    adapter_sha256  TEXT,
    main_metric     TEXT NOT NULL,
    main_value      REAL NOT NULL,
    metrics         TEXT NOT NULL,          -- JSON: every metric of this system
    per_example     TEXT NOT NULL,          -- JSON: what the bootstrap resamples (gold/pred, or per-example scores)
    warnings        TEXT NOT NULL DEFAULT '[]',
    report          TEXT,                   -- JSON {html, md, json} paths
    created_at      REAL NOT NULL
);
CREATE INDEX task_evals_task ON task_evals(task_name, dataset, dataset_version);
