// Command passhub is the hub of passgate kiosks: it serves the signed trust
// bundle and takes in the entries kiosks recorded (see package hub), and its
// admin subcommands manage kiosks, publish bundles, export entries for the
// health authority and purge old ones.
//
// Admin subcommands work on the data directory directly, not through the
// server: the bbolt database is locked by the process that has it open, so
// while `passhub serve` runs they stop with a message saying so. Stop the
// hub, run the command, start it again: kiosks keep their entries while the
// hub is down and push them when it is back, so a restart costs nothing at
// the door. This keeps the admin path free of a network API that would need
// its own authentication.
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
