-- The results store schema of version 1 (before runner leases and timed-out attempts), to test the migration.
CREATE TABLE sweeps(
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_utc TEXT NOT NULL);
CREATE TABLE trials(
    id             INTEGER PRIMARY KEY,
    sweep_id       INTEGER NOT NULL REFERENCES sweeps(id),
    name           TEXT NOT NULL,
    spec_json      TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK(status IN ('pending','running','succeeded','failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    failures       INTEGER NOT NULL DEFAULT 0,
    error          TEXT,
    start_seconds  REAL, load_seconds REAL, train_seconds REAL, record_seconds REAL, wall_seconds REAL,
    updated_utc    TEXT NOT NULL,
    UNIQUE(sweep_id, name));
CREATE TABLE attempts(
    trial_id       INTEGER NOT NULL REFERENCES trials(id),
    attempt        INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK(status IN ('running','succeeded','failed','interrupted')),
    worker_pid     INTEGER,
    error          TEXT,
    start_seconds  REAL, load_seconds REAL, train_seconds REAL, record_seconds REAL, wall_seconds REAL,
    started_utc    TEXT NOT NULL,
    finished_utc   TEXT,
    PRIMARY KEY(trial_id, attempt)) WITHOUT ROWID;
CREATE TABLE metrics(
    trial_id INTEGER NOT NULL REFERENCES trials(id),
    name     TEXT NOT NULL,
    step     INTEGER NOT NULL,
    value    REAL,              -- NULL stands for NaN (SQLite cannot store NaN)
    attempt  INTEGER NOT NULL,
    PRIMARY KEY(trial_id, name, step)) WITHOUT ROWID;
CREATE TABLE checkpoints(
    trial_id INTEGER NOT NULL REFERENCES trials(id),
    step     INTEGER NOT NULL,
    path     TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    attempt  INTEGER NOT NULL,
    PRIMARY KEY(trial_id, step)) WITHOUT ROWID;
CREATE TABLE logs(
    id       INTEGER PRIMARY KEY,
    trial_id INTEGER NOT NULL REFERENCES trials(id),
    attempt  INTEGER NOT NULL,
    source   TEXT NOT NULL CHECK(source IN ('worker','stderr','runner')),
    utc      TEXT NOT NULL,
    text     TEXT NOT NULL);
CREATE INDEX logs_by_trial ON logs(trial_id, attempt, id);
CREATE TABLE fits(
    sweep_id    INTEGER NOT NULL REFERENCES sweeps(id),
    target      TEXT NOT NULL,
    json        TEXT NOT NULL,
    updated_utc TEXT NOT NULL,
    PRIMARY KEY(sweep_id, target)) WITHOUT ROWID;
