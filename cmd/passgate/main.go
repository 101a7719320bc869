// Command passgate is the venue kiosk: offline verification of vaccine
// passes. All behaviour lives in internal/cli; main only runs it.
package main

import (
	"os"

	"github.com/passgate/passgate/internal/cli"
)

func main() {
	os.Exit(cli.Main(cli.OSEnv(), os.Args[1:]))
}
