package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/store"
	"github.com/passgate/passgate/uplink"
)

type syncOptions struct {
	hub, token, tokenFile, bundleKey, db, bundleFile string
	once, json                                       bool
	pullEvery, pushEvery                             time.Duration
}

// Sync runs `passgate sync`: the register's entries up to the hub, the
// hub's trust bundle down. With --once it does one round and says what it
// did; without, it keeps syncing until interrupted.
func Sync(e *Env, args []string) int {
	c, _ := catalog(e, "")
	var o syncOptions
	fs := newFlags(e, "sync", "--hub URL --token-file FILE --bundle-key KEY [--once] [flags]")
	fs.StringVar(&o.hub, "hub", "", c.T("flag.sync.hub"))
	fs.StringVar(&o.token, "token", "", c.T("flag.sync.token"))
	fs.StringVar(&o.tokenFile, "token-file", "", c.T("flag.sync.token_file"))
	fs.StringVar(&o.bundleKey, "bundle-key", "", c.T("flag.sync.bundle_key"))
	fs.StringVar(&o.db, "db", "", c.T("flag.sync.db"))
	fs.StringVar(&o.bundleFile, "bundle-file", "", c.T("flag.sync.bundle_file"))
	fs.BoolVar(&o.once, "once", false, c.T("flag.sync.once"))
	fs.BoolVar(&o.json, "json", false, c.T("flag.sync.json"))
	fs.DurationVar(&o.pullEvery, "pull-every", 10*time.Minute, c.T("flag.sync.pull_every"))
	fs.DurationVar(&o.pushEvery, "push-every", 30*time.Second, c.T("flag.sync.push_every"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(code int, msg string) int {
		fmt.Fprintln(e.Stderr, "passgate sync:", msg)
		return code
	}
	if fs.NArg() != 0 || o.hub == "" || o.bundleKey == "" || (o.token == "") == (o.tokenFile == "") {
		fs.Usage()
		return ExitUsage
	}
	token := o.token
	if o.tokenFile != "" {
		b, err := os.ReadFile(o.tokenFile)
		if err != nil {
			return fail(ExitUsage, c.T("sync.token", err))
		}
		token = strings.TrimSpace(string(b))
	}
	keyText := o.bundleKey
	if b, err := os.ReadFile(o.bundleKey); err == nil {
		keyText = string(b)
	}
	key, err := bundle.ParseKey(keyText)
	if err != nil {
		return fail(ExitUsage, c.T("cli.bundle_key", err))
	}
	if o.db == "" {
		if o.db, err = store.DefaultPath(e.Getenv); err != nil {
			return fail(ExitUsage, err.Error())
		}
	}
	if o.bundleFile == "" {
		o.bundleFile = filepath.Join(filepath.Dir(o.db), "bundle.bin")
	}
	db, err := store.Open(store.Options{Path: o.db, Now: e.Now})
	if err != nil {
		return fail(ExitNotValid, c.T("sync.register", o.db, err))
	}
	defer db.Close()
	up, err := uplink.New(uplink.Options{Hub: o.hub, Token: token, BundleKey: key, BundlePath: o.bundleFile,
		PullEvery: o.pullEvery, PushEvery: o.pushEvery, Now: e.Now}, register{db})
	if err != nil {
		return fail(ExitNotValid, err.Error())
	}
	if !o.once {
		fmt.Fprintln(e.Stderr, c.T("sync.running", o.hub))
		_ = up.Run(e.ctx())
		st := up.State()
		fmt.Fprintln(e.Stderr, c.T("sync.stopped", st.Pushed, st.Waiting, st.BundleSequence))
		return ExitOK
	}
	rep, err := up.Once(e.ctx())
	st := up.State()
	if o.json {
		out := map[string]any{"bundle": rep.Bundle, "bundle_sequence": st.BundleSequence, "pushed": rep.Pushed,
			"rejected": rep.Rejected, "waiting": st.Waiting}
		if err != nil {
			out["error"] = err.Error()
		}
		enc := json.NewEncoder(e.Stdout)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(out)
	} else {
		if rep.Bundle != "" {
			fmt.Fprintln(e.Stdout, c.T("sync.bundle", rep.Bundle, st.BundleSequence))
		}
		if b := up.Trust(); b != nil && b.Expired(e.Now()) {
			fmt.Fprintln(e.Stdout, c.T("sync.stale", b.ValidUntil().Format(time.RFC3339)))
		}
		fmt.Fprintln(e.Stdout, c.T("sync.pushed", rep.Pushed, len(rep.Rejected), st.Waiting))
		for _, r := range rep.Rejected {
			fmt.Fprintln(e.Stdout, c.T("sync.rejected", r.ID, r.Error))
		}
	}
	if err != nil {
		return fail(ExitNotValid, err.Error())
	}
	return ExitOK
}

// register adapts the store to what uplink counts.
type register struct{ *store.DB }

func (r register) PendingCount() (int, error) {
	st, err := r.Stats()
	return st.Pending, err
}
