package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/passgate/passgate/hub"
)

// withStore opens the data directory, runs fn and closes the store.
func withStore(e *env, dir string, fn func(*hub.Bolt) error) (err error) {
	st, err := openStore(e, dir)
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

func runKioskAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "kiosk add")
	data := dataFlag(e, fs)
	venue := fs.String("venue", "", "venue id: the kiosk may send entries of this venue only")
	kiosk := fs.String("kiosk", "", "kiosk id, unique on this hub")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	if *venue == "" || *kiosk == "" {
		return fmt.Errorf("%w: --venue and --kiosk are required", errUsage)
	}
	return withStore(e, *data, func(st *hub.Bolt) error {
		token, err := st.AddKiosk(ctx, *venue, *kiosk)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Kiosk %s of venue %s added. Its token follows, shown this once: the hub keeps only its SHA-256.\n"+
			"Set it on the kiosk; if it is lost, revoke the kiosk and add it again.\n", *kiosk, *venue)
		fmt.Fprintln(e.stdout, token)
		return nil
	})
}

func runKioskList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "kiosk list")
	data := dataFlag(e, fs)
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	return withStore(e, *data, func(st *hub.Bolt) error {
		ks, err := st.Kiosks(ctx)
		if err != nil {
			return err
		}
		if len(ks) == 0 {
			fmt.Fprintln(e.stderr, "No kiosks yet: passhub kiosk add --venue V --kiosk K")
			return nil
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KIOSK\tVENUE\tADDED\tSTATUS")
		for _, k := range ks {
			status := "active"
			if !k.Revoked.IsZero() {
				status = "revoked " + k.Revoked.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.ID, k.Venue, k.Added.Format(time.RFC3339), status)
		}
		return tw.Flush()
	})
}

func runKioskRevoke(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "kiosk revoke")
	data := dataFlag(e, fs)
	kiosk := fs.String("kiosk", "", "kiosk id")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	if *kiosk == "" {
		return fmt.Errorf("%w: --kiosk is required", errUsage)
	}
	return withStore(e, *data, func(st *hub.Bolt) error {
		if err := st.RevokeKiosk(ctx, *kiosk); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Kiosk %s revoked: its token is refused from now on.\n", *kiosk)
		return nil
	})
}

func runBundlePublish(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bundle publish")
	data := dataFlag(e, fs)
	keyArg := fs.String("bundle-key", "", "bundle-signing public key the kiosks pin (file or base64), from passctl keygen")
	if err := parseFlags(fs, args, 1); err != nil {
		return err
	}
	if *keyArg == "" || fs.NArg() != 1 {
		return fmt.Errorf("%w: passhub bundle publish --bundle-key PUB FILE", errUsage)
	}
	key, err := readBundleKey(*keyArg)
	if err != nil {
		return fmt.Errorf("--bundle-key: %w", err)
	}
	file := fs.Arg(0)
	bundle, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return withStore(e, *data, func(st *hub.Bolt) error {
		now := e.now()
		info, err := hub.Publish(ctx, st, bundle, key, now)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(file), err)
		}
		revs := 0
		for _, s := range info.Segments {
			revs += s.Count
		}
		fmt.Fprintf(e.stdout, "Published %s: sequence %d, %d bytes, %d issuer keys, %d revocations in %d segments, valid until %s.\n"+
			"Kiosks get it at their next pull.\n",
			filepath.Base(file), info.Sequence, len(bundle), len(info.Keys), revs, len(info.Segments), info.ValidUntil.Format(time.RFC3339))
		if now.After(info.ValidUntil) {
			fmt.Fprintf(e.stderr, "Warning: this bundle EXPIRED at %s: kiosks will use it but show their trust as stale. Build and publish a fresh one.\n",
				info.ValidUntil.Format(time.RFC3339))
		}
		return nil
	})
}

func runEntriesExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "entries export")
	data := dataFlag(e, fs)
	sinceArg := fs.String("since", "", "first day (YYYY-MM-DD, UTC) or time (RFC 3339) of the entries to export, by the time the kiosk recorded them")
	formatArg := fs.String("format", "jsonl", "jsonl (one JSON entry a line) or csv")
	out := fs.String("out", "", "write to this file (default: standard output)")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	if *sinceArg == "" {
		return fmt.Errorf("%w: --since is required (e.g. --since 2021-12-13; --since 1970-01-01 for everything)", errUsage)
	}
	since, err := parseSince(*sinceArg)
	if err != nil {
		return err
	}
	format, err := hub.ParseFormat(*formatArg)
	if err != nil {
		return fmt.Errorf("%w: --format %q: want jsonl or csv", errUsage, *formatArg)
	}
	return withStore(e, *data, func(st *hub.Bolt) (err error) {
		w := e.stdout
		if *out != "" {
			f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return fmt.Errorf("--out: %w (an existing file is never overwritten)", err)
			}
			defer func() {
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}()
			w = f
		}
		n, err := hub.Export(ctx, st, since, format, w)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Exported %d entries recorded since %s (%s).\n", n, since.Format(time.RFC3339), format)
		return nil
	})
}

// parseSince reads a day (midnight UTC) or an RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: --since %q: want YYYY-MM-DD or an RFC 3339 time such as 2021-12-13T09:00:00+09:00", errUsage, s)
	}
	return t, nil
}

func runPurge(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "purge")
	data := dataFlag(e, fs)
	days := fs.Int("days", 28, "keep entries recorded in the last N days (28: the Korean rule for entry logs)")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	if *days < 1 {
		return fmt.Errorf("%w: --days %d: want 1 or more", errUsage, *days)
	}
	before := e.now().AddDate(0, 0, -*days)
	return withStore(e, *data, func(st *hub.Bolt) error {
		n, err := st.PurgeEntries(ctx, before)
		if err != nil {
			if n > 0 {
				return fmt.Errorf("%d entries deleted, then: %w", n, err)
			}
			return err
		}
		fmt.Fprintf(e.stdout, "Deleted %d entries recorded before %s.\n", n, before.UTC().Format(time.RFC3339))
		return nil
	})
}
