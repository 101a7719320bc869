package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/command"
)

// The health authority's commands: its accounts (authority add|list|
// revoke), and its questions asked of the store directly (entries export
// --venue, entries counts), as its endpoints answer them over HTTP.

func (c *cli) authorityAdd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	name := fs.String("name", "", c.cat.T("passhub.authority.flag_name"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *name == "" {
		return command.UsageKey(c.cat, "passhub.required", "--name")
	}
	return c.withStore(ctx, at, func(st hub.Store) error {
		token, err := st.AddAuthority(ctx, *name)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stderr, c.cat.T("passhub.authority.added", *name))
		fmt.Fprintln(c.stdout, token)
		return nil
	})
}

func (c *cli) authorityList(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	return c.withStore(ctx, at, func(st hub.Store) error {
		as, err := st.Authorities(ctx)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			fmt.Fprintln(c.stderr, c.cat.T("passhub.authority.none"))
			return nil
		}
		rows := [][]string{{c.cat.T("passhub.authority.col_name"), c.cat.T("passhub.kiosk.col_added"), c.cat.T("passhub.kiosk.col_status")}}
		for _, a := range as {
			status := c.cat.T("passhub.kiosk.active")
			if !a.Revoked.IsZero() {
				status = c.cat.T("passhub.kiosk.revoked_at", a.Revoked.Format(time.RFC3339))
			}
			rows = append(rows, []string{a.Name, a.Added.Format(time.RFC3339), status})
		}
		return columns(c.stdout, rows)
	})
}

func (c *cli) authorityRevoke(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	name := fs.String("name", "", c.cat.T("passhub.authority.flag_name"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *name == "" {
		return command.UsageKey(c.cat, "passhub.required", "--name")
	}
	return c.withStore(ctx, at, func(st hub.Store) error {
		if err := st.RevokeAuthority(ctx, *name); err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, c.cat.T("passhub.authority.revoked", *name))
		return nil
	})
}

// windowFlags are --venue, --from and --to, and --holder if asked for: a
// question of the health authority.
type windowFlags struct {
	fs                      *flag.FlagSet
	venue, from, to, holder *string
}

func (c *cli) windowFlags(fs *flag.FlagSet, holder bool) *windowFlags {
	w := &windowFlags{fs: fs,
		venue: fs.String("venue", "", c.cat.T("passhub.query.flag_venue")),
		from:  fs.String("from", "", c.cat.T("passhub.query.flag_from")),
		to:    fs.String("to", "", c.cat.T("passhub.query.flag_to")),
	}
	if holder {
		w.holder = fs.String("holder", "", c.cat.T("passhub.query.flag_holder"))
	} else {
		w.holder = new(string)
	}
	return w
}

// given tells whether any of the flags was given.
func (w *windowFlags) given() bool {
	return command.Given(w.fs, "venue") || command.Given(w.fs, "from") || command.Given(w.fs, "to") || command.Given(w.fs, "holder")
}

// window reads --from and --to: both required, from before to, at most
// hub.MaxWindow apart.
func (c *cli) window(w *windowFlags) (from, to time.Time, err error) {
	if *w.from == "" || *w.to == "" {
		return from, to, command.UsageKey(c.cat, "passhub.query.window_required")
	}
	if from, err = c.parseTime("--from", *w.from); err != nil {
		return
	}
	if to, err = c.parseTime("--to", *w.to); err != nil {
		return
	}
	switch {
	case !from.Before(to):
		err = command.UsageKey(c.cat, "passhub.query.window_order", *w.from, *w.to)
	case to.Sub(from) > hub.MaxWindow:
		err = command.UsageKey(c.cat, "passhub.query.window_long", *w.from, *w.to, int(hub.MaxWindow/(24*time.Hour)))
	}
	return
}

// query reads the flags as a query: --venue required.
func (c *cli) query(w *windowFlags) (hub.Query, error) {
	if *w.venue == "" {
		return hub.Query{}, command.UsageKey(c.cat, "passhub.required", "--venue")
	}
	q := hub.Query{Venue: *w.venue, Holder: *w.holder}
	var err error
	if q.From, q.To, err = c.window(w); err != nil {
		return q, err
	}
	if err := q.Check(); err != nil {
		return q, command.UsageKey(c.cat, "passhub.query.bad", err)
	}
	return q, nil
}

// parseTime reads a day (midnight UTC) or an RFC 3339 time.
func (c *cli) parseTime(flagName, s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, command.UsageKey(c.cat, "passhub.query.bad_time", flagName, s)
	}
	return t, nil
}

// exporter is how entries export writes: the entries of a venue in a
// window (--venue, --from, --to, --holder), or every entry since a time
// (--since), never both; and the line it says at the end.
func (c *cli) exporter(w *windowFlags, since string) (func(ctx context.Context, st hub.Store, f hub.Format, out io.Writer) (int, error), func(n int, f hub.Format) string, error) {
	if !w.given() {
		if since == "" {
			return nil, nil, command.UsageKey(c.cat, "passhub.entries.no_since")
		}
		t, err := parseSince(c, since)
		if err != nil {
			return nil, nil, err
		}
		return func(ctx context.Context, st hub.Store, f hub.Format, out io.Writer) (int, error) {
				return hub.Export(ctx, st, t, f, out)
			}, func(n int, f hub.Format) string {
				return c.cat.T("passhub.entries.exported", n, t.Format(time.RFC3339), f)
			}, nil
	}
	if since != "" {
		return nil, nil, command.UsageKey(c.cat, "passhub.query.since_and_window")
	}
	q, err := c.query(w)
	if err != nil {
		return nil, nil, err
	}
	return func(ctx context.Context, st hub.Store, f hub.Format, out io.Writer) (int, error) {
			return hub.ExportQuery(ctx, st, q, f, out)
		}, func(n int, f hub.Format) string {
			key := "passhub.query.exported"
			if q.Holder != "" {
				key = "passhub.query.exported_holder"
			}
			return c.cat.T(key, n, q.Venue, q.From.Format(time.RFC3339Nano), q.To.Format(time.RFC3339Nano), f)
		}, nil
}

func (c *cli) entriesCounts(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	w := c.windowFlags(fs, false)
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	from, to, err := c.window(w)
	if err != nil {
		return err
	}
	if *w.venue != "" {
		if err := (hub.Query{Venue: *w.venue, From: from, To: to}).Check(); err != nil {
			return command.UsageKey(c.cat, "passhub.query.bad", err)
		}
	}
	return c.withStore(ctx, at, func(st hub.Store) error {
		cs, err := st.HourlyCounts(ctx, *w.venue, from, to)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			fmt.Fprintln(c.stderr, c.cat.T("passhub.query.no_counts", from.Format(time.RFC3339), to.Format(time.RFC3339)))
			return nil
		}
		rows := [][]string{{c.cat.T("passhub.kiosk.col_venue"), c.cat.T("passhub.query.col_hour"), c.cat.T("passhub.query.col_entries")}}
		total := 0
		for _, h := range cs {
			rows = append(rows, []string{h.Venue, h.Hour.Format(time.RFC3339), strconv.Itoa(h.Entries)})
			total += h.Entries
		}
		if err := columns(c.stdout, rows); err != nil {
			return err
		}
		fmt.Fprintln(c.stderr, c.cat.T("passhub.query.counted", total, len(cs), from.Format(time.RFC3339), to.Format(time.RFC3339)))
		return nil
	})
}
