package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/scanner"
)

// scan runs `passgate scan`: each file is loaded and converted to luma once,
// then decoded repeat times; the median decode time is reported. Exit 1
// when a file held no readable code. With --frame a file is read as the
// kiosk reads a camera frame it sees once: the frame decoder, within its
// time budget, a fresh one each time.
func (p *cli) scan(_ context.Context, args []string) error {
	e, c := p.env, p.cat
	fs := p.flags("scan", "[--json] [--all | --frame] [--repeat N] FILE...", "usage.scan")
	asJSON := fs.Bool("json", false, c.T("flag.scan.json"))
	repeat := fs.Int("repeat", 1, c.T("flag.scan.repeat"))
	all := fs.Bool("all", false, c.T("flag.scan.all"))
	frame := fs.Bool("frame", false, c.T("flag.scan.frame"))
	if err := p.parse(fs, args, -1); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return p.usage(fs, c.T("cli.scan_no_files"))
	}
	if *repeat < 1 {
		return p.usage(fs, c.T("cli.scan_bad_repeat", *repeat))
	}
	if *all && *frame {
		return p.usage(fs, c.T("cli.scan_all_frame"))
	}
	code := ExitOK
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	for _, file := range fs.Args() {
		res, ms, others, err := scanFile(file, scanOptions{*repeat, *all, *frame})
		if err != nil {
			code = ExitNotValid
		}
		switch {
		case *asJSON && err != nil && ms >= 0:
			_ = enc.Encode(map[string]any{"file": file, "ok": false, "error": err.Error(), "ms": ms})
		case *asJSON && err != nil:
			_ = enc.Encode(map[string]any{"file": file, "ok": false, "error": err.Error()})
		case *asJSON && *all:
			_ = enc.Encode(map[string]any{"file": file, "ok": true, "text": res.Text, "ms": ms, "strategy": res.Strategy,
				"texts": append([]string{res.Text}, others...)})
		case *asJSON:
			_ = enc.Encode(map[string]any{"file": file, "ok": true, "text": res.Text, "ms": ms, "strategy": res.Strategy})
		case errors.Is(err, scanner.ErrNotFound):
			// What the scanner tried is for --json and the log, not for
			// the person at the desk.
			fmt.Fprintf(e.Stdout, "%s: %s\n", file, c.T("cli.scan_none"))
		case err != nil:
			fmt.Fprintf(e.Stdout, "%s: %s\n", file, c.T("cli.scan_failed", err))
		default:
			fmt.Fprintf(e.Stdout, "%s: %s (%s, %.3f ms)\n", file, res.Text, res.Strategy, ms)
			for _, t := range others {
				fmt.Fprintf(e.Stdout, "%s: %s\n", file, t)
			}
		}
	}
	if code != ExitOK {
		return command.Exit(code)
	}
	return nil
}

// scanFile loads a file and decodes it repeat times; the median time is
// reported whether or not a code was read (-1 when the file did not load).
// With all, the texts of the picture's other codes follow, from one more
// decode that is not timed.
func scanFile(file string, o scanOptions) (scanner.Result, float64, []string, error) {
	l, err := scanner.LoadFile(file)
	if err != nil {
		return scanner.Result{}, -1, nil, err
	}
	var (
		res   scanner.Result
		times = make([]time.Duration, 0, o.repeat)
		dec   scanner.Decoder
	)
	for range o.repeat {
		start := time.Now()
		if o.frame {
			var fr scanner.FrameResult
			fr, err = scanner.NewFrameDecoder(scanner.FrameOptions{}).Decode(l, time.Time{})
			res = fr.Result
		} else {
			res, err = dec.Decode(l)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	ms := float64(times[len(times)/2].Microseconds()) / 1000
	var others []string
	if o.all && err == nil {
		rs, aerr := dec.DecodeAll(l, maxCodes)
		if aerr != nil {
			return res, ms, nil, aerr
		}
		// DecodeAll's first code is Decode's: the one timed above.
		for _, r := range rs[1:] {
			others = append(others, r.Text)
		}
	}
	return res, ms, others, err
}

// scanOptions are scan's flags for one file.
type scanOptions struct {
	repeat     int
	all, frame bool
}

// maxCodes is the most codes scan --all lists in one picture.
const maxCodes = 16
