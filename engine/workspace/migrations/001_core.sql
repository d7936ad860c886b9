-- Core: settings and the job log.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed','cancelled','interrupted')),
    progress    REAL NOT NULL DEFAULT 0,
    message     TEXT NOT NULL DEFAULT '',
    params      TEXT NOT NULL DEFAULT '{}',
    result      TEXT,
    error       TEXT,
    resumable   INTEGER NOT NULL DEFAULT 0,
    resumed_from TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    created_at  REAL NOT NULL,
    started_at  REAL,
    finished_at REAL,
    pid         INTEGER
);
CREATE INDEX jobs_state ON jobs(state);

CREATE TABLE job_metrics (
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    step   INTEGER NOT NULL,
    name   TEXT NOT NULL,
    value  REAL NOT NULL,
    at     REAL NOT NULL
);
CREATE INDEX job_metrics_job ON job_metrics(job_id, name, step);
