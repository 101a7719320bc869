-- The users of the operator's page and their sessions. A session lives in
-- the database, so a session made through one replica works on every other.

-- +goose Up

-- A password is kept only as an argon2id hash (hub.HashPassword).
CREATE TABLE users (
    name  text COLLATE "C" PRIMARY KEY,
    role  text NOT NULL CHECK (role IN ('admin', 'authority')),
    hash  text NOT NULL,
    added timestamptz NOT NULL
);

-- A session's token is kept only as its SHA-256. Removing a user ends
-- their sessions.
CREATE TABLE sessions (
    token_sha256 bytea PRIMARY KEY,
    name         text COLLATE "C" NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    expires      timestamptz NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires);

-- +goose Down

DROP TABLE sessions;
DROP TABLE users;
