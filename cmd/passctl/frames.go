package main

import (
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
)

func init() {
	commands["frames"] = command{"render a corpus of webcam-like frames of QR codes (PNG + expected.json, Y4M clip)", runFrames}
}

// expectedFrame is one entry of expected.json.
type expectedFrame struct {
	Text    string            `json:"text"` // "" when the frame shows no code
	Size    string            `json:"size"` // WxH
	Source  string            `json:"source,omitempty"`
	Corners [4]framegen.Point `json:"corners"`
	Params  framegen.Params   `json:"params"`
}

func runFrames(e *env, args []string) error {
	fs := newFlags(e, "frames", "-out DIR [-seed N] [-count N] [-passes DIR] [-shared DIR] [-y4m FILE [-y4m-size WxH] [-fps N]]")
	out := fs.String("out", "", "write DIR/NNNN.png and DIR/expected.json here (required)")
	seed := fs.Uint64("seed", 1, "the seed: the same seed gives the same frames")
	count := fs.Int("count", framegen.DefaultCount, "number of frames")
	passes := fs.String("passes", filepath.Join("testdata", "passes"), "show the HC1 passes (*.txt) in this folder; empty for none")
	shared := fs.String("shared", shareddata.Root(), "the shared folder: show the DCC test images of its testdata/dgc-testdata; empty for none")
	y4m := fs.String("y4m", "", "also write the frames of one size as a YUV4MPEG2 clip to this file")
	y4mSize := fs.String("y4m-size", "640x480", "the frame size of the -y4m clip: 640x480 or 1280x720")
	fps := fs.Int("fps", 10, "frame rate of the -y4m clip")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 0:
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	case *out == "":
		return fmt.Errorf("%w: -out is required", errUsage)
	case *count < 1:
		return fmt.Errorf("%w: -count %d, want at least 1", errUsage, *count)
	case *fps < 1:
		return fmt.Errorf("%w: -fps %d, want at least 1", errUsage, *fps)
	}
	var clipSize image.Point
	if _, err := fmt.Sscanf(*y4mSize, "%dx%d", &clipSize.X, &clipSize.Y); err != nil || !isDefaultSize(clipSize) {
		return fmt.Errorf("%w: -y4m-size %q, want 640x480 or 1280x720", errUsage, *y4mSize)
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
		return fmt.Errorf("%w: no codes to show: give -passes or -shared", errUsage)
	}
	fmt.Fprintf(e.stderr, "frames: %d codes; rendering %d frames\n", len(srcs), *count)
	frames, err := framegen.Corpus(framegen.Options{
		Seed: *seed, Count: *count, Sources: srcs,
		Progress: func(done, total int) {
			if done%50 == 0 || done == total {
				fmt.Fprintf(e.stderr, "frames: %d/%d rendered\n", done, total)
			}
		},
	})
	if err != nil {
		return err
	}
	if err := writeFrames(e, *out, frames); err != nil {
		return err
	}
	if *y4m != "" {
		n, err := writeClip(*y4m, frames, clipSize, *fps)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "frames: %s: %d frames of %dx%d at %d fps\n", *y4m, n, clipSize.X, clipSize.Y, *fps)
	}
	fmt.Fprintf(e.stdout, "wrote %d frames to %s\n", len(frames), *out)
	return nil
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
func writeFrames(e *env, dir string, frames []framegen.Frame) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	expected := make(map[string]expectedFrame, len(frames))
	for i, f := range frames {
		name := fmt.Sprintf("%04d.png", i+1)
		if err := writePNG(filepath.Join(dir, name), &enc, f.Luma); err != nil {
			return err
		}
		expected[name] = expectedFrame{
			Text: f.Text, Source: f.Source, Corners: f.Corners, Params: f.Params,
			Size: fmt.Sprintf("%dx%d", f.Params.Width, f.Params.Height),
		}
		if n := i + 1; n%50 == 0 || n == len(frames) {
			fmt.Fprintf(e.stderr, "frames: %d/%d written\n", n, len(frames))
		}
	}
	b, err := json.MarshalIndent(expected, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "expected.json"), append(b, '\n'), 0o644)
}

func writePNG(path string, enc *png.Encoder, l *scanner.Luma) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := enc.Encode(f, l.Image()); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// writeClip writes the frames of one size as a Y4M clip and returns how
// many it wrote.
func writeClip(path string, frames []framegen.Frame, size image.Point, fps int) (int, error) {
	var lumas []*scanner.Luma
	for _, f := range frames {
		if f.Luma.Width == size.X && f.Luma.Height == size.Y {
			lumas = append(lumas, f.Luma)
		}
	}
	if len(lumas) == 0 {
		return 0, fmt.Errorf("-y4m: no frames of %dx%d", size.X, size.Y)
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
