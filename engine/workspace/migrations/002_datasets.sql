-- Datasets: content-addressed records shared between versions, and versions as
-- membership intervals. A membership row belongs to every version v with
-- since <= v < until (until NULL: still in the newest version), so a new version
-- only writes the rows that changed and every older version stays readable as it was.
CREATE TABLE datasets (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    modality    TEXT NOT NULL CHECK (modality IN ('text','image')),
    head        INTEGER NOT NULL DEFAULT 0,
    next_item   INTEGER NOT NULL DEFAULT 1,
    created_at  REAL NOT NULL
);

-- One row per distinct content; ``hash`` is the content hash of ``fields`` (JSON). A rowid table:
-- rows are a few hundred bytes, too large for WITHOUT ROWID (imports were 40% slower with it).
CREATE TABLE records (
    hash   TEXT PRIMARY KEY,
    fields TEXT NOT NULL,
    chars  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE dataset_versions (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    count      INTEGER NOT NULL,
    acc        TEXT NOT NULL DEFAULT '0',
    counts     TEXT NOT NULL DEFAULT '{}',
    message    TEXT NOT NULL DEFAULT '',
    job_id     TEXT,
    info       TEXT NOT NULL DEFAULT '{}',
    stats      TEXT,
    created_at REAL NOT NULL,
    PRIMARY KEY (dataset_id, version)
);

CREATE TABLE members (
    id         INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    item       INTEGER NOT NULL,
    record     TEXT NOT NULL REFERENCES records(hash),
    chars      INTEGER NOT NULL DEFAULT 0,
    since      INTEGER NOT NULL,
    until      INTEGER,
    split      TEXT NOT NULL DEFAULT 'train',
    status     TEXT NOT NULL DEFAULT 'unreviewed' CHECK (status IN ('unreviewed','accepted','rejected')),
    label      TEXT,
    tags       TEXT NOT NULL DEFAULT '[]',
    note       TEXT NOT NULL DEFAULT '',
    origin     TEXT NOT NULL DEFAULT '',
    line       INTEGER
);
CREATE INDEX members_head ON members(dataset_id, until, item);
CREATE INDEX members_head_status ON members(dataset_id, until, status, item);
CREATE INDEX members_head_split ON members(dataset_id, until, split, item);
CREATE INDEX members_item ON members(dataset_id, item, since);
CREATE INDEX members_since ON members(dataset_id, since);

CREATE TABLE member_tags (
    tag       TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    PRIMARY KEY (tag, member_id)
) WITHOUT ROWID;
CREATE INDEX member_tags_member ON member_tags(member_id);
