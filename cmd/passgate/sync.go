package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/config"
)

// sync runs `passgate sync`: the register's entries up to the hub, the
// hub's trust bundle down. With --once it does one round and says what it
// did; without, it keeps syncing until interrupted.
func (p *cli) sync(ctx context.Context, args []string) (err error) {
	fs := p.flags("sync", "[--config FILE] [--once [--json]] [--hub URL --token-file FILE --bundle-key KEY] [flags]", "usage.sync")
	cfgPath := p.configFlag(fs)
	var ov config.Overrides
	app.BindFlags(fs, p.cat, &ov, "hub", "token-file", "bundle-key", "db", "bundle-file", "pull-every", "push-every",
		"venue", "kiosk", "lang", "log-level", "log-file", "log-format")
	once := fs.Bool("once", false, p.cat.T("flag.sync.once"))
	asJSON := fs.Bool("json", false, p.cat.T("flag.sync.json"))
	if err := p.parse(fs, args, 0); err != nil {
		return err
	}
	a, err := p.open(*cfgPath, false, false, &ov, app.ModeSync)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	up, c := a.Uplink, p.cat
	if !*once {
		fmt.Fprintln(p.env.Stderr, c.T("sync.running", a.Config.Hub.URL))
		_ = up.Run(ctx)
		st := up.State()
		fmt.Fprintln(p.env.Stderr, c.T("sync.stopped", st.Pushed, st.Waiting, st.BundleSequence))
		return nil
	}
	rep, err := up.Once(ctx)
	st := up.State()
	if *asJSON {
		out := map[string]any{"bundle": rep.Bundle, "bundle_sequence": st.BundleSequence, "pushed": rep.Pushed,
			"rejected": rep.Rejected, "waiting": st.Waiting}
		if err != nil {
			out["error"] = err.Error()
		}
		enc := json.NewEncoder(p.env.Stdout)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(out)
	} else {
		if rep.Bundle != "" {
			fmt.Fprintln(p.env.Stdout, c.T("sync.bundle", rep.Bundle, st.BundleSequence))
		}
		if b := up.Trust(); b != nil && b.Expired(a.Now()) {
			fmt.Fprintln(p.env.Stdout, c.T("sync.stale", b.ValidUntil().Format(time.RFC3339)))
		}
		fmt.Fprintln(p.env.Stdout, c.T("sync.pushed", rep.Pushed, len(rep.Rejected), st.Waiting))
		for _, r := range rep.Rejected {
			fmt.Fprintln(p.env.Stdout, c.T("sync.rejected", r.ID, r.Error))
		}
	}
	return err
}
