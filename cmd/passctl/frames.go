package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
)

// expectedFrame is one entry of expected.json.
type expectedFrame struct {
	Text    string            `json:"text"` // "" when the frame shows no code
	Size    string            `json:"size"` // WxH
	Source  string            `json:"source,omitempty"`
	Kind    string            `json:"kind,omitempty"` // the door kind, with -door
	Corners [4]framegen.Point `json:"corners"`
	Params  framegen.Params   `json:"params"`
}

func (c *cli) frames(fs *flag.FlagSet, args []string) error {
	u := func(name string) string { return c.cat.T("passctl.flag.frames." + name) }
	out := fs.String("out", "", u("out"))
	seed := fs.Uint64("seed", 1, u("seed"))
	count := fs.Int("count", framegen.DefaultCount, u("count"))
	passes := fs.String("passes", filepath.Join("testdata", "passes"), u("passes"))
	shared := fs.String("shared", shareddata.Root(), u("shared"))
	y4m := fs.String("y4m", "", u("y4m"))
	y4mSize := fs.String("y4m-size", "640x480", u("y4m_size"))
	fps := fs.Int("fps", 10, u("fps"))
	door := fs.String("door", "", u("door"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	kinds, ok := doorKinds(*door)
	if !ok {
		return command.UsageKey(c.cat, "passctl.frames.bad_door", *door, strings.Join(framegen.DoorKinds(), ", "))
	}
	countSet := false
	fs.Visit(func(f *flag.Flag) { countSet = countSet || f.Name == "count" })
	if len(kinds) > 0 && !countSet {
		*count = framegen.DefaultDoorCount
	}
	switch {
	case *out == "":
		return command.UsageKey(c.cat, "passctl.required", "-out DIR")
	case *count < 1:
		return command.UsageKey(c.cat, "passctl.at_least_1", "-count", *count)
	case *fps < 1:
		return command.UsageKey(c.cat, "passctl.at_least_1", "-fps", *fps)
	}
	var size config.Size // WIDTHxHEIGHT, read as the configuration reads it
	clipSize := image.Point{}
	if err := size.UnmarshalText([]byte(*y4mSize)); err == nil {
		clipSize = image.Point{X: size.Width, Y: size.Height}
	}
	if !isDefaultSize(clipSize) {
		return command.UsageKey(c.cat, "passctl.frames.bad_size", *y4mSize)
	}

	var srcs []framegen.Source
	if *passes != "" {
		s, err := framegen.LoadPasses(*passes)
		if err != nil {
			return fmt.Errorf("-passes: %w", err)
		}
		srcs = append(srcs, s...)
	}
	if *shared != "" {
		s, err := framegen.LoadDCC(filepath.Join(*shared, "testdata", "dgc-testdata"))
		if err != nil {
			return fmt.Errorf("-shared: %w", err)
		}
		srcs = append(srcs, s...)
	}
	if len(srcs) == 0 {
		return command.UsageKey(c.cat, "passctl.frames.no_codes")
	}
	total := *count
	if len(kinds) > 0 {
		total *= len(kinds) // -count is a kind's
	}
	fmt.Fprintln(c.stderr, c.cat.T("passctl.frames.rendering", len(srcs), total))
	frames, err := framegen.Corpus(framegen.Options{
		Seed: *seed, Count: total, Sources: srcs, Kinds: kinds,
		Progress: func(done, total int) {
			if done%50 == 0 || done == total {
				fmt.Fprintln(c.stderr, c.cat.T("passctl.frames.rendered", done, total))
			}
		},
	})
	if err != nil {
		return err
	}
	if err := writeFrames(c, *out, frames); err != nil {
		return err
	}
	if *y4m != "" {
		n, err := writeClip(c.cat, *y4m, frames, clipSize, *fps)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stderr, c.cat.T("passctl.frames.clip", *y4m, n, clipSize.X, clipSize.Y, *fps))
	}
	fmt.Fprintln(c.stdout, c.cat.T("passctl.frames.wrote", len(frames), *out))
	return nil
}

// doorKinds reads -door: "" for the default corpus, "all" for every door
// kind, or a comma-separated list of them.
func doorKinds(v string) ([]string, bool) {
	switch v {
	case "":
		return nil, true
	case "all":
		return framegen.DoorKinds(), true
	}
	var out []string
	for _, k := range strings.Split(v, ",") {
		k = strings.TrimSpace(k)
		if !slices.Contains(framegen.DoorKinds(), k) || slices.Contains(out, k) {
			return nil, false
		}
		out = append(out, k)
	}
	return out, true
}

func isDefaultSize(p image.Point) bool {
	for _, s := range framegen.DefaultSizes() {
		if p == s {
			return true
		}
	}
	return false
}

// writeFrames writes each frame as a grey PNG, NNNN.png from 0001, and
// expected.json, what each shows.
func writeFrames(c *cli, dir string, frames []framegen.Frame) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	expected := make(map[string]expectedFrame, len(frames))
	for i, f := range frames {
		name := fmt.Sprintf("%04d.png", i+1)
		if err := writePNG(c.cat, filepath.Join(dir, name), &enc, f.Luma); err != nil {
			return err
		}
		expected[name] = expectedFrame{
			Text: f.Text, Source: f.Source, Kind: f.Kind, Corners: f.Corners, Params: f.Params,
			Size: fmt.Sprintf("%dx%d", f.Params.Width, f.Params.Height),
		}
		if n := i + 1; n%50 == 0 || n == len(frames) {
			fmt.Fprintln(c.stderr, c.cat.T("passctl.frames.written", n, len(frames)))
		}
	}
	b, err := json.MarshalIndent(expected, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "expected.json"), append(b, '\n'), 0o644)
}

func writePNG(cat *i18n.Catalog, path string, enc *png.Encoder, l *scanner.Luma) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := enc.Encode(f, l.Image()); err != nil {
		f.Close()
		return command.Errorf(cat, "passctl.frames.write", path, err)
	}
	return f.Close()
}

// writeClip writes the frames of one size as a Y4M clip and returns how
// many it wrote.
func writeClip(cat *i18n.Catalog, path string, frames []framegen.Frame, size image.Point, fps int) (int, error) {
	var lumas []*scanner.Luma
	for _, f := range frames {
		if f.Luma.Width == size.X && f.Luma.Height == size.Y {
			lumas = append(lumas, f.Luma)
		}
	}
	if len(lumas) == 0 {
		return 0, command.Errorf(cat, "passctl.frames.no_clip_frames", size.X, size.Y)
	}
	out, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	if err := framegen.WriteY4M(out, lumas, fps); err != nil {
		out.Close()
		return 0, err
	}
	return len(lumas), out.Close()
}
