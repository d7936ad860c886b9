-- Tasks, batch runs of tasks, their outputs (the review queue) and the review audit log.
CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    definition  TEXT NOT NULL,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    archived_at REAL            -- archived tasks are hidden from the list, never deleted
);

CREATE TABLE task_runs (
    id          TEXT PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES tasks(id),
    task_name   TEXT NOT NULL,
    job_id      TEXT,
    inputs_path TEXT NOT NULL,
    inputs_hash TEXT NOT NULL,
    total_items INTEGER NOT NULL,
    config      TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'running',
    created_at  REAL NOT NULL,
    finished_at REAL
);
CREATE INDEX task_runs_task ON task_runs(task_id);

-- One row per (run, input row, candidate, step): every intermediate output is kept.
-- A one-off output sent to review from the Generation tab has no run, and may have no task.
CREATE TABLE task_outputs (
    id             INTEGER PRIMARY KEY,
    run_id         TEXT REFERENCES task_runs(id),
    task_name      TEXT,
    row_index      INTEGER NOT NULL,
    candidate      INTEGER NOT NULL DEFAULT 0,
    step           TEXT NOT NULL,
    step_index     INTEGER NOT NULL,
    modality       TEXT NOT NULL CHECK (modality IN ('text','image')),
    prompt         TEXT NOT NULL,
    system_prompt  TEXT,
    output_text    TEXT,
    image_path     TEXT,
    image_sha256   TEXT,
    input_row      TEXT NOT NULL,
    model          TEXT,
    model_sha256   TEXT,
    adapter        TEXT,
    adapter_sha256 TEXT,
    params         TEXT NOT NULL,
    seed           INTEGER,
    attempts       INTEGER NOT NULL DEFAULT 1,
    failures       TEXT NOT NULL DEFAULT '[]',
    passed         INTEGER NOT NULL DEFAULT 1,
    created_by     TEXT NOT NULL,
    created_at     REAL NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
    edited_text    TEXT,
    comment        TEXT,
    reviewed_by    TEXT,
    reviewed_at    REAL,
    fed_back       TEXT,
    UNIQUE (run_id, row_index, candidate, step)
);
CREATE INDEX task_outputs_review ON task_outputs(task_name, status);

-- Who did what to which output, when. Append-only: updates and deletes are refused.
CREATE TABLE review_audit (
    id         INTEGER PRIMARY KEY,
    output_id  INTEGER NOT NULL,
    action     TEXT NOT NULL,
    user       TEXT NOT NULL,
    at         REAL NOT NULL,
    comment    TEXT,
    before     TEXT,
    after      TEXT
);
CREATE INDEX review_audit_output ON review_audit(output_id);

CREATE TRIGGER review_audit_no_update BEFORE UPDATE ON review_audit
BEGIN
    SELECT RAISE(ABORT, 'the review audit log is append-only');
END;

CREATE TRIGGER review_audit_no_delete BEFORE DELETE ON review_audit
BEGIN
    SELECT RAISE(ABORT, 'the review audit log is append-only');
END;
