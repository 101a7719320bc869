package app

import (
	"errors"
	"fmt"
	"strings"

	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/store"
)

// setupErr marks err as a setup error: exit 2.
func setupErr(err error) error {
	if err == nil || errors.Is(err, command.ErrUsage) {
		return err
	}
	return &setupError{err}
}

type setupError struct{ err error }

func (e *setupError) Error() string   { return e.err.Error() }
func (e *setupError) Unwrap() []error { return []error{e.err, command.ErrUsage} }

// where says where to set a key: "[hub] url in FILE or pass --hub".
func (a *App) where(key string) string {
	file := a.Config.File
	if file == "" {
		paths := config.Paths(a.env.Getenv)
		file = paths[len(paths)-1]
	}
	if f := flagFor(key); f != "" {
		return a.Cat.T("app.set_key_or_flag", config.DisplayKey(key), file, f)
	}
	return a.Cat.T("app.set_key", config.DisplayKey(key), file)
}

// missing is the setup error of a key the mode needs and nobody set.
func (a *App) missing(key string) error {
	what := a.Cat.T("app.missing." + strings.ReplaceAll(key, ".", "_"))
	return setupErr(fmt.Errorf("%s: %s", what, a.where(key)))
}

// missingFile is the setup error of a file a key names that is not there.
func (a *App) missingFile(key, path string) error {
	return setupErr(fmt.Errorf("%s", a.Cat.T("app.no_file", path, a.where(key))))
}

// StoreErr says what went wrong with the register in words for the person
// at the desk; the detail follows. Not a setup error: the register is
// there but cannot be used (exit 1).
func StoreErr(c *i18n.Catalog, path string, err error) error {
	switch {
	case errors.Is(err, store.ErrLocked):
		return fmt.Errorf("%s", c.T("cli.register_locked", path))
	case errors.Is(err, store.ErrCorrupt):
		return fmt.Errorf("%s", c.T("cli.register_corrupt", path, err))
	case errors.Is(err, store.ErrDiskFull):
		return fmt.Errorf("%s", c.T("cli.register_disk_full", err))
	}
	return fmt.Errorf("%s", c.T("cli.register_error", path, err))
}

// CountsLine is one line of the register's figures: "Today: 20 entries: 15
// admitted, ...".
func CountsLine(c *i18n.Catalog, label string, n store.Counts) string {
	return c.T("cli.stats_counts", label, n.Total, n.Outcome[entry.Admitted], n.Outcome[entry.Refused],
		n.Method[entry.Camera], n.Method[entry.ScannerDevice], n.Method[entry.Manual])
}
