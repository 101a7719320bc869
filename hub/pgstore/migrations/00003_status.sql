-- Each kiosk's last status, as it reported it with a push or a heartbeat
-- (hub.KioskStatus): one row per kiosk, replaced by the next report.
-- (00002 is the authority's; goose applies migrations out of order, so
-- this one may come first.)

-- +goose Up

-- seen is the hub's clock when the report arrived, clock the kiosk's.
-- oldest_waiting is NULL when nothing waits. A kiosk is never deleted (a
-- revoked one stays listed), so its status can refer to it.
CREATE TABLE kiosk_status (
    kiosk           text COLLATE "C" PRIMARY KEY REFERENCES kiosks (id),
    venue           text COLLATE "C" NOT NULL,
    seen            timestamptz NOT NULL,
    bundle_sequence bigint NOT NULL CHECK (bundle_sequence >= 0),
    waiting         bigint NOT NULL CHECK (waiting >= 0),
    oldest_waiting  timestamptz,
    clock           timestamptz NOT NULL,
    version         text NOT NULL,
    camera          text NOT NULL,
    last_error      text NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE kiosk_status;
