-- The hub's first schema: kiosks and their token hashes, the published
-- bundles, and the entries, partitioned by day.

-- +goose Up

-- A kiosk's token is kept only as its SHA-256. Ids compare as bytes
-- (COLLATE "C"), as in the bbolt store: kiosk lists sort the same.
CREATE TABLE kiosks (
    id           text COLLATE "C" PRIMARY KEY,
    venue        text COLLATE "C" NOT NULL,
    token_sha256 bytea NOT NULL UNIQUE,
    added        timestamptz NOT NULL,
    revoked      timestamptz -- NULL while active
);

-- Every bundle ever published; the current one has the highest sequence,
-- so a replica that raced another's publish can never serve an older one.
CREATE TABLE bundles (
    sequence  bigint PRIMARY KEY CHECK (sequence >= 0),
    data      bytea NOT NULL,
    sha256    bytea NOT NULL,
    published timestamptz NOT NULL
);

-- One row per entry. time is the time of the entry's id (a ULID, to the
-- millisecond): the partition key, and the first column of the key so that
-- ids sort in time order. id is the ULID's 16 bytes: an id sent in lower
-- case is the same id. entry_time is the entry's own time, to the
-- microsecond, and entry_time_ns its nanoseconds past it, so an export
-- gives back the time the kiosk sent. note is staff's free text, kept as
-- the bytes sent (a text cannot hold a NUL). The optional fields are ''
-- when empty, not NULL: a row without NULLs has no null bitmap.
--
-- The partitions are one UTC day each, named entries_YYYYMMDD, created by
-- the store for the days a batch covers and dropped whole by a purge.
CREATE TABLE entries (
    time          timestamptz NOT NULL,
    entry_time    timestamptz NOT NULL,
    id            uuid NOT NULL,
    entry_time_ns smallint NOT NULL CHECK (entry_time_ns BETWEEN 0 AND 999),
    venue         text COLLATE "C" NOT NULL,
    kiosk         text COLLATE "C" NOT NULL,
    method        text NOT NULL,
    outcome       text NOT NULL,
    reason        text NOT NULL DEFAULT '',
    format        text NOT NULL DEFAULT '',
    type          text NOT NULL DEFAULT '',
    country       text NOT NULL DEFAULT '',
    holder        text NOT NULL DEFAULT '',
    staff         text NOT NULL DEFAULT '',
    note          bytea NOT NULL DEFAULT '',
    contact       bytea NOT NULL DEFAULT '',
    PRIMARY KEY (time, id)
) PARTITION BY RANGE (time);

-- +goose Down
DROP TABLE entries;
DROP TABLE bundles;
DROP TABLE kiosks;
