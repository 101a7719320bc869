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
// when a file held no readable code.
func (p *cli) scan(_ context.Context, args []string) error {
	e, c := p.env, p.cat
	fs := p.flags("scan", "[--json] [--all] [--repeat N] FILE...", "usage.scan")
	asJSON := fs.Bool("json", false, c.T("flag.scan.json"))
	repeat := fs.Int("repeat", 1, c.T("flag.scan.repeat"))
	all := fs.Bool("all", false, c.T("flag.scan.all"))
	if err := p.parse(fs, args, -1); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return p.usage(fs, c.T("cli.scan_no_files"))
	}
	if *repeat < 1 {
		return p.usage(fs, c.T("cli.scan_bad_repeat", *repeat))
	}
	code := ExitOK
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	for _, file := range fs.Args() {
		res, ms, others, err := scanFile(file, *repeat, *all)
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
func scanFile(file string, repeat int, all bool) (scanner.Result, float64, []string, error) {
	l, err := scanner.LoadFile(file)
	if err != nil {
		return scanner.Result{}, -1, nil, err
	}
	var (
		res   scanner.Result
		times = make([]time.Duration, 0, repeat)
		dec   scanner.Decoder
	)
	for range repeat {
		start := time.Now()
		res, err = dec.Decode(l)
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	ms := float64(times[len(times)/2].Microseconds()) / 1000
	var others []string
	if all && err == nil {
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

// maxCodes is the most codes scan --all lists in one picture.
const maxCodes = 16
