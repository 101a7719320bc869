package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/scanner"
)

// watch runs `passgate watch`: frames from the configured camera (or
// --camera, --replay) through the live scanner, one line per code read.
// It stops on an interrupt, after --for, or when a replay that does not
// loop ends.
func (p *cli) watch(ctx context.Context, args []string) (err error) {
	fs := p.flags("watch", "[--config FILE] [--camera DEVICE | --replay FILE.y4m|DIR] [flags]", "usage.watch")
	cfgPath := p.configFlag(fs)
	var ov config.Overrides
	app.BindFlags(fs, p.cat, &ov, "camera", "replay", "size", "fps", "loop", "lang")
	asJSON := fs.Bool("json", false, p.cat.T("flag.watch.json"))
	duration := fs.Duration("for", 0, p.cat.T("flag.watch.for"))
	if err := p.parse(fs, args, 0); err != nil {
		return err
	}
	if ov.Has("camera.device") && ov.Has("camera.replay") {
		return p.usage(fs, p.cat.T("cli.camera_or_replay"))
	}
	a, err := p.open(*cfgPath, false, false, &ov, app.ModeWatch)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	enc := json.NewEncoder(p.env.Stdout)
	enc.SetEscapeHTML(false)
	c := p.cat
	st, err := a.Watch(ctx, func(s scanner.Scan) { p.printScan(enc, *asJSON, s) }, func(st camera.Status) {
		switch st.State {
		case camera.Lost:
			fmt.Fprintln(p.env.Stderr, c.T("cli.camera_lost", st.Err))
		case camera.Streaming:
			fmt.Fprintln(p.env.Stderr, c.T("cli.camera_streaming", st.Device, st.Mode))
		}
	})
	fmt.Fprintln(p.env.Stderr, c.T("cli.watch_stats", st.Offered, st.Decoded, st.Replaced, st.Found, st.Duplicates))
	return err
}

func (p *cli) printScan(enc *json.Encoder, asJSON bool, s scanner.Scan) {
	if asJSON {
		type attempt struct {
			Strategy string  `json:"strategy"`
			MS       float64 `json:"ms"`
			Seen     bool    `json:"seen,omitempty"`
		}
		var as []attempt
		for _, a := range s.Attempts {
			as = append(as, attempt{string(a.Strategy), ms(a.Took), a.Seen})
		}
		_ = enc.Encode(map[string]any{"seq": s.Seq, "text": s.Text, "strategy": s.Strategy,
			"ms": ms(s.Elapsed), "latency_ms": ms(s.Latency), "attempts": as})
		return
	}
	fmt.Fprintf(p.env.Stdout, "#%d %s (%s, %.1f ms)\n", s.Seq, s.Text, s.Strategy, ms(s.Elapsed))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
