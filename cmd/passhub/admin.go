package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/adminsock"
	"github.com/passgate/passgate/hub/pgstore"
	"github.com/passgate/passgate/internal/command"
)

// withStore opens the store the flags name (the data directory, or
// PostgreSQL with --store), runs fn and closes the store.
func (c *cli) withStore(ctx context.Context, w *where, fn func(hub.Store) error) (err error) {
	if err := w.check(c.cat); err != nil {
		return err
	}
	var st hub.Store
	if *w.url != "" {
		st, err = openPostgres(ctx, c.cat, *w.url, c.now, nil)
	} else {
		st, err = c.openData(ctx, *w.data)
	}
	if err != nil {
		return err
	}
	defer func() {
		if cerr := st.Close(); err == nil {
			err = cerr
		}
	}()
	return fn(st)
}

// openData opens the bbolt store in the data directory, or, while a
// `passhub serve` holds it, reaches that hub's store through its admin
// socket: admin commands work while the hub runs.
func (c *cli) openData(ctx context.Context, dir string) (hub.Store, error) {
	st, err := hub.OpenBolt(dir, &hub.BoltOptions{Now: c.now})
	switch {
	case errors.Is(err, hub.ErrLocked):
		sock := filepath.Join(dir, adminsock.File)
		cl, derr := adminsock.Dial(ctx, sock)
		if derr != nil {
			return nil, command.Errorf(c.cat, "passhub.in_use", dir, sock)
		}
		return cl, nil
	case err != nil:
		return nil, command.Errorf(c.cat, "passhub.open", dir, err)
	}
	return st, nil
}

func (c *cli) kioskAdd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	venue := fs.String("venue", "", c.cat.T("passhub.flag.venue"))
	kiosk := fs.String("kiosk", "", c.cat.T("passhub.flag.kiosk_new"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *venue == "" || *kiosk == "" {
		return command.UsageKey(c.cat, "passhub.kiosk.add_required")
	}
	return c.withStore(ctx, at, func(st hub.Store) error {
		token, err := st.AddKiosk(ctx, *venue, *kiosk)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stderr, c.cat.T("passhub.kiosk.added", *kiosk, *venue))
		fmt.Fprintln(c.stdout, token)
		return nil
	})
}

func (c *cli) kioskList(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	return c.withStore(ctx, at, func(st hub.Store) error {
		ks, err := st.Kiosks(ctx)
		if err != nil {
			return err
		}
		if len(ks) == 0 {
			fmt.Fprintln(c.stderr, c.cat.T("passhub.kiosk.none"))
			return nil
		}
		rows := [][]string{{c.cat.T("passhub.kiosk.col_kiosk"), c.cat.T("passhub.kiosk.col_venue"),
			c.cat.T("passhub.kiosk.col_added"), c.cat.T("passhub.kiosk.col_status")}}
		for _, k := range ks {
			status := c.cat.T("passhub.kiosk.active")
			if !k.Revoked.IsZero() {
				status = c.cat.T("passhub.kiosk.revoked_at", k.Revoked.Format(time.RFC3339))
			}
			rows = append(rows, []string{k.ID, k.Venue, k.Added.Format(time.RFC3339), status})
		}
		return columns(c.stdout, rows)
	})
}

func (c *cli) kioskRevoke(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	kiosk := fs.String("kiosk", "", c.cat.T("passhub.flag.kiosk"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *kiosk == "" {
		return command.UsageKey(c.cat, "passhub.required", "--kiosk")
	}
	return c.withStore(ctx, at, func(st hub.Store) error {
		if err := st.RevokeKiosk(ctx, *kiosk); err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, c.cat.T("passhub.kiosk.revoked", *kiosk))
		return nil
	})
}

func (c *cli) bundlePublish(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	keyArg := fs.String("bundle-key", "", c.cat.T("passhub.flag.publish_key"))
	if err := command.Parse(c.cat, fs, args, 1); err != nil {
		return err
	}
	if *keyArg == "" || fs.NArg() != 1 {
		return command.UsageKey(c.cat, "passhub.bundle.publish_args")
	}
	key, err := readBundleKey(*keyArg)
	if err != nil {
		return fmt.Errorf("--bundle-key: %w", err)
	}
	file := fs.Arg(0)
	bundle, err := os.ReadFile(file)
	if err != nil {
		return command.Errorf(c.cat, "passhub.bundle.read", err)
	}
	return c.withStore(ctx, at, func(st hub.Store) error {
		now := c.now()
		info, err := hub.Publish(ctx, st, bundle, key, now)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(file), err)
		}
		revs := 0
		for _, s := range info.Segments {
			revs += s.Count
		}
		fmt.Fprintln(c.stdout, c.cat.T("passhub.bundle.published", filepath.Base(file), info.Sequence, len(bundle),
			len(info.Keys), revs, len(info.Segments), info.ValidUntil.Format(time.RFC3339)))
		if now.After(info.ValidUntil) {
			fmt.Fprintln(c.stderr, c.cat.T("passhub.bundle.expired", info.ValidUntil.Format(time.RFC3339)))
		}
		return nil
	})
}

func (c *cli) entriesExport(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	sinceArg := fs.String("since", "", c.cat.T("passhub.flag.since"))
	formatArg := fs.String("format", "jsonl", c.cat.T("passhub.flag.format"))
	out := fs.String("out", "", c.cat.T("passhub.flag.out"))
	win := c.windowFlags(fs, true) // authority.go: --venue, --from, --to, --holder
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	export, done, err := c.exporter(win, *sinceArg)
	if err != nil {
		return err
	}
	format, err := hub.ParseFormat(*formatArg)
	if err != nil {
		return command.UsageKey(c.cat, "passhub.entries.bad_format", *formatArg)
	}
	return c.withStore(ctx, at, func(st hub.Store) (err error) {
		w := c.stdout
		if *out != "" {
			f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return command.Errorf(c.cat, "passhub.entries.out", err)
			}
			defer func() {
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}()
			w = f
		}
		n, err := export(ctx, st, format, w)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stderr, done(n, format))
		return nil
	})
}

// parseSince reads a day (midnight UTC) or an RFC 3339 time.
func parseSince(c *cli, s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, command.UsageKey(c.cat, "passhub.entries.bad_since", s)
	}
	return t, nil
}

func (c *cli) purge(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	days := fs.Int("days", 28, c.cat.T("passhub.flag.days"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *days < 1 {
		return command.UsageKey(c.cat, "passhub.purge.bad_days", *days)
	}
	before := c.now().AddDate(0, 0, -*days)
	return c.withStore(ctx, at, func(st hub.Store) error {
		n, err := st.PurgeEntries(ctx, before)
		if err != nil {
			if n > 0 {
				return command.Errorf(c.cat, "passhub.purge.partly", n, err)
			}
			return err
		}
		fmt.Fprintln(c.stdout, c.cat.T("passhub.purge.deleted", n, before.UTC().Format(time.RFC3339)))
		return nil
	})
}

// columns writes rows as columns two spaces apart, measured in terminal
// cells: text/tabwriter counts a Hangul syllable as one, the headings in
// Korean take two each.
func columns(w io.Writer, rows [][]string) error {
	var widths []int
	for _, r := range rows {
		for i, cell := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(cell))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, cell := range r {
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(cell)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (c *cli) migrate(ctx context.Context, fs *flag.FlagSet, args []string) error {
	url := fs.String("store", "", c.cat.T("passhub.flag.store_migrate"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *url == "" {
		return command.UsageKey(c.cat, "passhub.required", "--store")
	}
	if !isPostgresURL(*url) {
		return command.UsageKey(c.cat, "passhub.store.bad_url", redact(*url))
	}
	from, to, err := pgstore.Migrate(ctx, *url)
	switch {
	case errors.Is(err, pgstore.ErrSchemaNewer):
		return command.Errorf(c.cat, "passhub.store.newer", redact(*url), err)
	case errors.Is(err, pgstore.ErrUnavailable):
		return command.Errorf(c.cat, "passhub.store.unavailable", redact(*url), err)
	case err != nil:
		return command.Errorf(c.cat, "passhub.migrate.failed", redact(*url), err)
	case from == to:
		fmt.Fprintln(c.stdout, c.cat.T("passhub.migrate.current", redact(*url), to))
	default:
		fmt.Fprintln(c.stdout, c.cat.T("passhub.migrate.done", redact(*url), from, to))
	}
	return nil
}
