package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/internal/words"
	"github.com/passgate/passgate/store"
)

// registerCmd is what the register commands share: --config and --db,
// and the register they open (never made: these commands look at the
// kiosk's, they do not start one).
type registerCmd struct {
	p   *cli
	fs  *flag.FlagSet
	cfg *string
	ov  config.Overrides
}

func (p *cli) registerCmd(name, args string) *registerCmd {
	r := &registerCmd{p: p, fs: p.flags("register "+name, args, "usage.register_"+name)}
	r.cfg = p.configFlag(r.fs)
	app.BindFlags(r.fs, p.cat, &r.ov, "db", "lang")
	return r
}

// open opens the register the configuration names (or --db).
func (r *registerCmd) open() (*app.App, error) {
	return r.p.open(*r.cfg, false, false, &r.ov, app.ModeRegister)
}

func (p *cli) registerStats(_ context.Context, args []string) (err error) {
	r := p.registerCmd("stats", "[--config FILE] [--db PATH] [--json]")
	asJSON := r.fs.Bool("json", false, p.cat.T("flag.register.json"))
	if err := p.parse(r.fs, args, 0); err != nil {
		return err
	}
	a, err := r.open()
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	db, c := a.Register, p.cat
	st, err := db.Stats()
	if err != nil {
		return app.StoreErr(c, db.Path(), err)
	}
	if *asJSON {
		writeStatsJSON(p.env.Stdout, db.Path(), &st)
		return nil
	}
	tm := words.NewTimes(c, a.Location)
	when := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return tm.Stamp(t)
	}
	w := p.env.Stdout
	fmt.Fprintln(w, c.T("cli.stats_register", db.Path()))
	fmt.Fprintln(w, c.T("cli.stats_entries", st.Total, st.Pending))
	fmt.Fprintln(w, c.T("cli.stats_span", when(st.Oldest), when(st.Newest)))
	fmt.Fprintln(w, c.T("cli.stats_oldest_pending", when(st.OldestPending)))
	fmt.Fprintln(w, app.CountsLine(c, c.T("cli.stats_today"), st.Today))
	fmt.Fprintln(w, app.CountsLine(c, c.T("cli.stats_week"), st.Week))
	fmt.Fprintln(w, app.CountsLine(c, c.T("cli.stats_all"), st.All))
	fmt.Fprintln(w, c.T("cli.stats_audit", st.Audit))
	return nil
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
		Week          store.Counts `json:"week"`
		All           store.Counts `json:"all"`
		Audit         int          `json:"audit"`
	}{path, st.Total, st.Pending, opt(st.Oldest), opt(st.Newest), opt(st.OldestPending), st.Today, st.Week, st.All, st.Audit})
}

func (p *cli) registerExport(_ context.Context, args []string) (err error) {
	r := p.registerCmd("export", "--since DATE [--format csv|jsonl] [--out FILE] [--config FILE] [--db PATH]")
	sinceText := r.fs.String("since", "", p.cat.T("flag.register.since"))
	format := r.fs.String("format", "csv", p.cat.T("flag.register.format"))
	out := r.fs.String("out", "", p.cat.T("flag.register.out"))
	if err := p.parse(r.fs, args, 0); err != nil {
		return err
	}
	if *sinceText == "" {
		return p.usage(r.fs, p.cat.T("cli.register_no_since"))
	}
	since, err := parseSince(*sinceText, p.env.Now().Location())
	if err != nil {
		return p.usage(r.fs, p.cat.T("cli.register_bad_since", *sinceText))
	}
	if *format != "csv" && *format != "jsonl" {
		return p.usage(r.fs, p.cat.T("cli.register_bad_format", *format))
	}
	a, err := r.open()
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	db, c := a.Register, p.cat
	// A date is midnight in the kiosk's zone ([kiosk] time_zone); it
	// parsed above, so it parses again.
	since, _ = parseSince(*sinceText, a.Location)

	w, dest := p.env.Stdout, "-"
	var f *os.File
	if *out != "" && *out != "-" {
		// The export holds pseudonyms and sealed contacts: only its owner
		// reads it.
		if f, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
			return fmt.Errorf("%s", c.T("cli.register_out", *out, err))
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
		return app.StoreErr(c, db.Path(), err)
	}
	fmt.Fprintln(p.env.Stderr, c.T("cli.register_exported", n, words.NewTimes(c, a.Location).Stamp(since), dest))
	return nil
}

// parseSince reads a date (midnight in loc) or an RFC 3339 time.
func parseSince(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

func (p *cli) registerPurge(_ context.Context, args []string) (err error) {
	r := p.registerCmd("purge", "[--days N] [--config FILE] [--db PATH]")
	daysText := r.fs.String("days", "", p.cat.T("flag.register.days"))
	if err := p.parse(r.fs, args, 0); err != nil {
		return err
	}
	days := -1
	if *daysText != "" {
		if days, err = strconv.Atoi(*daysText); err != nil || days < 0 {
			return p.usage(r.fs, p.cat.T("cli.register_bad_days", *daysText))
		}
	}
	a, err := r.open()
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	db, c := a.Register, p.cat
	if days < 0 {
		days = a.Config.Register.RetentionDays // the kiosk's own retention
	}
	before := p.env.Now().Add(-time.Duration(days) * 24 * time.Hour)
	purged, kept, err := db.Purge(before)
	if err != nil {
		return app.StoreErr(c, db.Path(), err)
	}
	fmt.Fprintln(p.env.Stdout, c.T("cli.register_purged", purged, words.NewTimes(c, a.Location).Stamp(before)))
	if kept > 0 {
		fmt.Fprintln(p.env.Stdout, c.T("cli.register_kept", kept))
	}
	return nil
}
