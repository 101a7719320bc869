// Package pgstore is a hub.Store on PostgreSQL, for a hub of many venues
// served by several passhub replicas on one database.
//
// Everything lives in the database: kiosks and their token hashes, every
// published bundle, the entries. A replica keeps only caches that it can
// lose: the current bundle (CurrentBundle is called for every bundle
// request) and which entry partitions exist. So any number of replicas
// serve one fleet, and an admin command works on the database directly
// while they run.
//
// The schema is versioned with goose; its migrations are embedded
// (migrations/*.sql) and applied by Migrate and by Open. A database at a
// newer version than this build knows is refused (ErrSchemaNewer): an
// older replica must not write into a schema it does not understand.
//
// Entries are partitioned by UTC day on the time of their id, so a purge
// drops whole days (DETACH, then DROP) and deletes rows only in the day of
// its cutoff. A batch is stored in one INSERT … SELECT FROM unnest(…) ON
// CONFLICT DO NOTHING; the ids it did not insert are looked up to tell
// "already held for this kiosk" (acknowledged again) from "another kiosk's"
// (rejected). An entry is acknowledged only once its INSERT has committed,
// and the store's sessions ask for synchronous_commit = on (unless the URL
// says otherwise), so a commit returned is one a crash of the database
// keeps.
//
// A bundle published through one replica reaches the others by NOTIFY
// passgate_bundle, sent in the publishing transaction; each replica LISTENs
// on a connection of its own and, every few seconds when nothing came and
// while that connection is down, compares the newest sequence and hash with
// its cache.
//
// When the database cannot be reached, or refuses writes, the methods
// return errors wrapping ErrUnavailable, so the server can say "come back
// later" rather than fail.
//
// The package does plain SQL only: no extensions, no stored procedures.
// It must not check what it is given: the hub checks entries and bundles
// (entry.Check, hub.Publish) before they reach a store.
package pgstore
