package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/scanner"
)

type watchOptions struct {
	camera, replay, size string
	fps                  float64
	loop, json           bool
	duration             time.Duration
}

// Watch runs `passgate watch`: frames from a camera or a replay through
// the live scanner, one line per code read. It stops on an interrupt,
// after --for, or when a replay that does not loop ends.
func Watch(e *Env, args []string) int {
	c, _ := catalog(e, "")
	var o watchOptions
	fs := newFlags(e, "watch", "[--camera DEVICE | --replay FILE.y4m|DIR] [flags]")
	fs.StringVar(&o.camera, "camera", "", c.T("flag.watch.camera"))
	fs.StringVar(&o.replay, "replay", "", c.T("flag.watch.replay"))
	fs.StringVar(&o.size, "size", "1280x720", c.T("flag.watch.size"))
	fs.Float64Var(&o.fps, "fps", 0, c.T("flag.watch.fps"))
	fs.BoolVar(&o.loop, "loop", false, c.T("flag.watch.loop"))
	fs.BoolVar(&o.json, "json", false, c.T("flag.watch.json"))
	fs.DurationVar(&o.duration, "for", 0, c.T("flag.watch.for"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(msg string) int {
		fmt.Fprintln(e.Stderr, "passgate watch:", msg)
		return ExitUsage
	}
	var w, h int
	if _, err := fmt.Sscanf(o.size, "%dx%d", &w, &h); err != nil || w <= 0 || h <= 0 {
		return fail(c.T("cli.bad_size", o.size))
	}
	if fs.NArg() != 0 || (o.camera != "" && o.replay != "") {
		fs.Usage()
		return ExitUsage
	}
	devs := camera.NewDevices(e.Now)
	cfg := camera.Config{Device: o.camera, Width: w, Height: h, FPS: o.fps}
	if o.replay != "" {
		clip, err := openClip(o.replay)
		if err != nil {
			return fail(c.T("cli.replay", o.replay, err))
		}
		defer clip.Close()
		if cfg.Device, err = devs.AddReplay(filepath.Base(o.replay), clip, camera.ReplayOptions{FPS: o.fps, Loop: o.loop}); err != nil {
			return fail(c.T("cli.replay", o.replay, err))
		}
		cfg.Width, cfg.Height = clip.Size()
	}

	ctx := e.ctx()
	if o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	live := scanner.NewLive(scanner.LiveOptions{Now: e.Now})
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	done := make(chan struct{})
	go func() {
		defer close(done)
		live.Run(ctx, func(s scanner.Scan) { printScan(e, enc, o.json, s) })
	}()
	cam := &camera.Camera{Devices: devs, Config: cfg, OnStatus: func(st camera.Status) {
		if st.State == camera.Lost {
			fmt.Fprintln(e.Stderr, c.T("cli.camera_lost", st.Err))
		} else if st.State == camera.Streaming {
			fmt.Fprintln(e.Stderr, c.T("cli.camera_streaming", st.Device, st.Mode))
		}
	}}
	err := cam.Run(ctx, func(f *camera.Frame) {
		live.Offer(&scanner.Luma{Pix: f.Y, Width: f.Width, Height: f.Height, Stride: f.Stride}, f.Seq, f.Time, nil)
	})
	if err == nil && ctx.Err() == nil {
		time.Sleep(200 * time.Millisecond) // a replay ended: let the last frame decode
	}
	stop()
	<-done
	st := live.Stats()
	fmt.Fprintln(e.Stderr, c.T("cli.watch_stats", st.Offered, st.Decoded, st.Replaced, st.Found, st.Duplicates))
	if err != nil {
		return fail(err.Error())
	}
	return ExitOK
}

func printScan(e *Env, enc *json.Encoder, asJSON bool, s scanner.Scan) {
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
	fmt.Fprintf(e.Stdout, "#%d %s (%s, %.1f ms)\n", s.Seq, s.Text, s.Strategy, ms(s.Elapsed))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// openClip opens a Y4M file, or a directory of images played in name order.
func openClip(path string) (camera.Clip, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return camera.OpenY4M(path)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var stills []camera.Still
	for _, en := range entries {
		ext := strings.ToLower(filepath.Ext(en.Name()))
		if en.IsDir() || !slices.Contains([]string{".png", ".jpg", ".jpeg", ".webp", ".pgm"}, ext) {
			continue
		}
		l, err := scanner.LoadFile(filepath.Join(path, en.Name()))
		if err != nil {
			return nil, err
		}
		stills = append(stills, camera.Still{Pix: l.Pix, Width: l.Width, Height: l.Height, Stride: l.Stride})
	}
	if len(stills) == 0 {
		return nil, errors.New("no PNG, JPEG, WebP or PGM images in the directory")
	}
	return camera.NewStills(stills)
}
