package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/store"
)

// exitFailed: a register command could not do its work (no register, in
// use, damaged, disk full).
const exitFailed = 1

// Register runs `passgate register stats | export | purge`.
func Register(e *Env, args []string) int {
	c, _ := catalog(e, "")
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, c.T("cli.usage_register"))
		return ExitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintln(e.Stdout, c.T("cli.usage_register"))
		return ExitOK
	case "stats":
		return registerStats(e, c, args[1:])
	case "export":
		return registerExport(e, c, args[1:])
	case "purge":
		return registerPurge(e, c, args[1:])
	}
	fmt.Fprintln(e.Stderr, "passgate register:", c.T("cli.register_unknown", args[0]))
	fmt.Fprintln(e.Stderr, c.T("cli.usage_register"))
	return ExitUsage
}

// registerCmd is what the register subcommands share: the flag set with
// --db, and the way to fail.
type registerCmd struct {
	e    *Env
	c    *i18n.Catalog
	name string
	fs   *flag.FlagSet
	db   *string
}

func newRegisterCmd(e *Env, c *i18n.Catalog, name, synopsis string) *registerCmd {
	r := &registerCmd{e: e, c: c, name: name, fs: newFlags(e, "register "+name, synopsis)}
	r.db = r.fs.String("db", "", c.T("flag.register.db"))
	return r
}

// parse parses the flags; code is the exit code when ok is false.
func (r *registerCmd) parse(args []string) (code int, ok bool) {
	if code, ok := parseFlags(r.fs, args); !ok {
		return code, false
	}
	if r.fs.NArg() != 0 {
		r.fs.Usage()
		return ExitUsage, false
	}
	return 0, true
}

func (r *registerCmd) fail(code int, msg string) int {
	fmt.Fprintf(r.e.Stderr, "passgate register %s: %s\n", r.name, msg)
	return code
}

// open opens the register of --db, or the default one. It does not make a
// register: these commands look at the kiosk's, they do not start one.
func (r *registerCmd) open() (*store.DB, int) {
	path := *r.db
	if path == "" {
		var err error
		if path, err = store.DefaultPath(r.e.Getenv); err != nil {
			return nil, r.fail(ExitUsage, r.c.T("cli.register_path", err))
		}
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, r.fail(exitFailed, r.c.T("cli.register_missing", path))
	}
	db, err := store.Open(store.Options{Path: path, Now: r.e.Now, Location: r.e.Now().Location()})
	if err != nil {
		return nil, r.fail(exitFailed, r.storeErr(path, err))
	}
	return db, 0
}

// storeErr says what went wrong in words for the person at the desk; the
// detail follows.
func (r *registerCmd) storeErr(path string, err error) string {
	switch {
	case errors.Is(err, store.ErrLocked):
		return r.c.T("cli.register_locked", path)
	case errors.Is(err, store.ErrCorrupt):
		return r.c.T("cli.register_corrupt", path, err)
	case errors.Is(err, store.ErrDiskFull):
		return r.c.T("cli.register_disk_full", err)
	}
	return r.c.T("cli.register_error", path, err)
}

func registerStats(e *Env, c *i18n.Catalog, args []string) int {
	r := newRegisterCmd(e, c, "stats", "[--db PATH] [--json]")
	asJSON := r.fs.Bool("json", false, c.T("flag.register.json"))
	if code, ok := r.parse(args); !ok {
		return code
	}
	db, code := r.open()
	if db == nil {
		return code
	}
	defer db.Close()
	st, err := db.Stats()
	if err != nil {
		return r.fail(exitFailed, r.storeErr(db.Path(), err))
	}
	if *asJSON {
		writeStatsJSON(e.Stdout, db.Path(), &st)
		return ExitOK
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.In(e.Now().Location()).Format("2006-01-02 15:04:05 MST")
	}
	counts := func(label string, n store.Counts) string {
		return c.T("cli.stats_counts", label, n.Total, n.Outcome[entry.Admitted], n.Outcome[entry.Refused],
			n.Method[entry.Camera], n.Method[entry.ScannerDevice], n.Method[entry.Manual])
	}
	w := e.Stdout
	fmt.Fprintln(w, c.T("cli.stats_register", db.Path()))
	fmt.Fprintln(w, c.T("cli.stats_entries", st.Total, st.Pending))
	fmt.Fprintln(w, c.T("cli.stats_span", when(st.Oldest), when(st.Newest)))
	fmt.Fprintln(w, c.T("cli.stats_oldest_pending", when(st.OldestPending)))
	fmt.Fprintln(w, counts(c.T("cli.stats_today"), st.Today))
	fmt.Fprintln(w, counts(c.T("cli.stats_all"), st.All))
	return ExitOK
}

func writeStatsJSON(w io.Writer, path string, st *store.Stats) {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(struct {
		Path          string       `json:"path"`
		Total         int          `json:"total"`
		Pending       int          `json:"pending"`
		Oldest        *time.Time   `json:"oldest,omitempty"`
		Newest        *time.Time   `json:"newest,omitempty"`
		OldestPending *time.Time   `json:"oldest_pending,omitempty"`
		Today         store.Counts `json:"today"`
		All           store.Counts `json:"all"`
	}{path, st.Total, st.Pending, opt(st.Oldest), opt(st.Newest), opt(st.OldestPending), st.Today, st.All})
}

func registerExport(e *Env, c *i18n.Catalog, args []string) int {
	r := newRegisterCmd(e, c, "export", "--since DATE [--format csv|jsonl] [--out FILE] [--db PATH]")
	sinceText := r.fs.String("since", "", c.T("flag.register.since"))
	format := r.fs.String("format", "csv", c.T("flag.register.format"))
	out := r.fs.String("out", "", c.T("flag.register.out"))
	if code, ok := r.parse(args); !ok {
		return code
	}
	if *sinceText == "" {
		return r.fail(ExitUsage, c.T("cli.register_no_since"))
	}
	since, err := parseSince(*sinceText, e.Now().Location())
	if err != nil {
		return r.fail(ExitUsage, c.T("cli.register_bad_since", *sinceText))
	}
	if *format != "csv" && *format != "jsonl" {
		return r.fail(ExitUsage, c.T("cli.register_bad_format", *format))
	}
	db, code := r.open()
	if db == nil {
		return code
	}
	defer db.Close()

	w, dest := e.Stdout, "-"
	var f *os.File
	if *out != "" && *out != "-" {
		// The export holds pseudonyms and sealed contacts: only its owner
		// reads it.
		if f, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
			return r.fail(exitFailed, c.T("cli.register_out", *out, err))
		}
		w, dest = f, *out
	}
	n, err := db.Export(w, since, *format)
	if f != nil {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}
	if err != nil {
		return r.fail(exitFailed, r.storeErr(db.Path(), err))
	}
	fmt.Fprintln(e.Stderr, c.T("cli.register_exported", n, since.Format(time.RFC3339), dest))
	return ExitOK
}

// parseSince reads a date (midnight in loc) or an RFC 3339 time.
func parseSince(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

func registerPurge(e *Env, c *i18n.Catalog, args []string) int {
	r := newRegisterCmd(e, c, "purge", "[--days N] [--db PATH]")
	days := r.fs.Int("days", int(store.DefaultRetention/(24*time.Hour)), c.T("flag.register.days"))
	if code, ok := r.parse(args); !ok {
		return code
	}
	if *days < 0 {
		return r.fail(ExitUsage, c.T("cli.register_bad_days", *days))
	}
	db, code := r.open()
	if db == nil {
		return code
	}
	defer db.Close()
	before := e.Now().Add(-time.Duration(*days) * 24 * time.Hour)
	purged, kept, err := db.Purge(before)
	if err != nil {
		return r.fail(exitFailed, r.storeErr(db.Path(), err))
	}
	fmt.Fprintln(e.Stdout, c.T("cli.register_purged", purged, before.Format("2006-01-02 15:04 MST")))
	if kept > 0 {
		fmt.Fprintln(e.Stdout, c.T("cli.register_kept", kept))
	}
	return ExitOK
}
