-- The health authority: its accounts, and the index its questions need.

-- +goose Up

-- An authority's token is kept only as its SHA-256, in a table of its own:
-- a kiosk's token is never looked up here, nor an authority's in kiosks.
CREATE TABLE authorities (
    name         text COLLATE "C" PRIMARY KEY,
    token_sha256 bytea NOT NULL UNIQUE,
    added        timestamptz NOT NULL,
    revoked      timestamptz -- NULL while active
);

-- Every entry at a venue in a window of its time (contact tracing), a
-- holder's among them, and the counts per hour: made on every partition,
-- and by PostgreSQL on each new one. The queries also bound time (the
-- partition key) to the window and hub.MaxIDSkew around it, so that
-- only the window's days are searched.
CREATE INDEX entries_venue_entry_time ON entries (venue, entry_time);

-- +goose Down
DROP INDEX entries_venue_entry_time;
DROP TABLE authorities;
