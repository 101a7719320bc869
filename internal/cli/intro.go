package cli

import (
	"crypto/rand"
	"fmt"
	"os"

	"golang.org/x/term"

	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/pin"
	"github.com/passgate/passgate/store"
	"github.com/passgate/passgate/ui"
)

// intro is `passgate` with no arguments: on a terminal, the kiosk screen
// (configured when a configuration file is found, else the built-in
// demo); otherwise (scripts, tests) what this build does and how to try
// it.
func intro(e *Env) int {
	c, _ := catalog(e, "")
	if isTerminal(e) {
		return Screen(e, nil)
	}
	fmt.Fprintln(e.Stdout, c.T("cli.intro"))
	return ExitOK
}

func isTerminal(e *Env) bool {
	f, ok := e.Stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func haveConfig(e *Env) bool {
	for _, p := range config.Paths(e.Getenv) {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

// Demo staff: the demo's PIN forms accept this id with this PIN.
const demoStaff, demoPIN = "demo", "0000"

// demoScreen runs the built-in demo on the kiosk screen.
func demoScreen(e *Env, c *i18n.Catalog, db string) int {
	k, err := openKiosk(e, c, kioskOptions{demo: true, venue: "demo", kiosk: "demo", db: db})
	if err != nil {
		fmt.Fprintln(e.Stderr, "passgate:", err)
		return ExitUsage
	}
	defer k.Close()
	hash, err := pin.Hash(demoPIN, rand.Reader)
	if err != nil {
		fmt.Fprintln(e.Stderr, "passgate:", err)
		return ExitUsage
	}
	err = ui.Run(e.ctx(), ui.Options{
		Kiosk: k.Kiosk, Venue: "passgate", Lang: c.Lang, Demo: true, Locked: true,
		PINs:      pin.NewGuard(map[string]string{demoStaff: hash}, pin.DefaultLimits()),
		DemoStaff: demoStaff + " / " + demoPIN,
		Trust:     k.Trust, Now: k.Now,
		Stats: func() string { return kioskStats(c, k) },
		Purge: purgeFunc(k, store.DefaultRetention),
	})
	if err != nil {
		fmt.Fprintln(e.Stderr, "passgate:", err)
		return ExitUsage
	}
	return ExitOK
}

// kioskStats is the register's figures for the admin menu.
func kioskStats(c *i18n.Catalog, k *kiosk) string {
	st, err := k.DB.Stats()
	if err != nil {
		return err.Error()
	}
	counts := func(label string, n store.Counts) string {
		return c.T("cli.stats_counts", label, n.Total, n.Outcome[entry.Admitted], n.Outcome[entry.Refused],
			n.Method[entry.Camera], n.Method[entry.ScannerDevice], n.Method[entry.Manual])
	}
	return c.T("cli.stats_entries", st.Total, st.Pending) + "\n" + counts(c.T("cli.stats_today"), st.Today)
}
