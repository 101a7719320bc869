// Command passhub is the hub of passgate kiosks: it serves the signed trust
// bundle and takes in the entries kiosks recorded (see package hub), and its
// admin subcommands manage kiosks, publish bundles, export entries for the
// health authority and purge old ones.
//
// Admin subcommands work on the store directly, not through the server.
// The bbolt database in --data is locked by the process that has it open,
// so while `passhub serve` runs on it they stop with a message saying so:
// stop the hub, run the command, start it again (kiosks keep their entries
// while the hub is down and push them when it is back). With --store
// postgres://… the store is PostgreSQL (package hub/pgstore), which any
// number of `passhub serve` replicas and admin commands share at once.
// Either way the admin path needs no network API with its own
// authentication.
//
// All behaviour lives in the other files of this package; main only runs
// it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, osEnv(), os.Args[1:])
	stop()
	os.Exit(code)
}
