// Command demogen makes the assets of passgate's built-in demo from the
// project's own fixtures: it copies the fixtures' signed trust bundle and its
// key, renders the fixture passes the demo shows into camera-like frames with
// framegen, and writes the sequence the demo plays, demo.json.
//
// It runs from the assets directory:
//
//	go generate ./assets   # runs: go run ../internal/gen/demogen
//
// The output is a pure function of the fixtures: the frames' distortions are
// drawn from a fixed seed and the PNG encoder is deterministic, so running it
// again gives the same bytes (on one architecture: framegen's floating point
// may round differently elsewhere). Before writing anything it checks that the
// scanner reads every pass frame back to its pass, that it reads nothing in
// the empty frame, and that every pass gets its expected verdict from the
// copied bundle at the demo's moment; it fails otherwise.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/scanner"
	"github.com/passgate/passgate/verify"
)

// demoTime is the moment the demo is judged at, the fixtures' moment:
// lunchtime on 13 December 2021 in Seoul, the first day of Korea's vaccine
// pass. assets.DemoTime returns the same; internal/demo's tests check that
// the passes keep their verdicts there.
var demoTime = time.Date(2021, 12, 13, 12, 0, 0, 0, time.FixedZone("KST", 9*3600))

// sequence is the passes the demo shows, in order: fixture names in
// testdata/passes.
var sequence = []string{
	"vaccination-valid",   // a Hangul name: 홍길동
	"test-pcr-valid",      // a valid PCR test
	"test-pcr-too-old",    // a test sampled too long ago
	"revoked-uci",         // revoked
	"forged-signature",    // signed by a key not its kid's
	"unknown-kid",         // an issuer not in the bundle
	"vaccination-booster", // a third dose
	"vaccination-ps256",   // a Latin name, an RSA-PSS signature
}

const (
	width, height = 640, 480
	// A pass is held up briefly, then nobody is in front of the camera
	// for longer than a verdict stays (5 s by default): each guest's
	// verdict is seen alone, then the scanning screen, then the next.
	passSeconds  = 2.0 // how long a pass is held up
	emptySeconds = 5.0 // the empty frame between guests
	emptyFrame   = "empty.png"
	seed         = 20211213
	// sceneSeed draws the background, the same in every frame: the
	// kiosk's camera does not move, guests come and go in front of it.
	sceneSeed = 0x6b696f736b
	maxPNG    = 60 << 10
)

// Step is one entry of demo.json, as assets.DemoStep reads it.
type Step struct {
	Frame   string  `json:"frame"`
	Seconds float64 `json:"seconds"`
	Expect  string  `json:"expect,omitempty"`
}

func main() {
	testdata := flag.String("testdata", "../testdata", "the project's fixtures `dir`")
	out := flag.String("out", "demo", "output `dir`")
	flag.Parse()
	if err := run(*testdata, *out); err != nil {
		fmt.Fprintln(os.Stderr, "demogen:", err)
		os.Exit(1)
	}
}

// run makes every file in memory, checks them all, and only then replaces
// the contents of out.
func run(testdata, out string) error {
	files, err := build(testdata)
	if err != nil {
		return err
	}
	return write(out, files)
}

// build returns the demo's files by name.
func build(testdata string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for name, src := range map[string]string{"bundle.bin": "bundle.bin", "bundle.pub": "keys/bundle.pub"} {
		b, err := os.ReadFile(filepath.Join(testdata, src))
		if err != nil {
			return nil, err
		}
		files[name] = b
	}
	bundle, err := loadBundle(files["bundle.bin"], files["bundle.pub"])
	if err != nil {
		return nil, err
	}
	expected, err := readExpected(filepath.Join(testdata, "passes", "expected.json"))
	if err != nil {
		return nil, err
	}
	srcs, err := framegen.LoadPasses(filepath.Join(testdata, "passes"))
	if err != nil {
		return nil, err
	}
	byName := map[string]framegen.Source{}
	for _, s := range srcs {
		byName[strings.TrimSuffix(s.Name, ".txt")] = s
	}

	empty, err := render(framegen.Source{}, framegen.Params{Width: width, Height: height, Seed: sceneSeed, NoCode: true, Dark: 30, Light: 220})
	if err != nil {
		return nil, fmt.Errorf("empty frame: %w", err)
	}
	files[emptyFrame] = empty

	vf := &verify.Verifier{Trust: bundle, Policy: bundle.Policy()}
	r := rand.New(rand.NewPCG(seed, seed))
	var steps []Step
	for _, name := range sequence {
		src, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("no pass %s.txt in %s/passes", name, testdata)
		}
		want, ok := expected[name]
		if !ok {
			return nil, fmt.Errorf("no expectation for %s in expected.json", name)
		}
		if vd := vf.Verify(src.Text, demoTime); string(vd.Status) != want {
			return nil, fmt.Errorf("%s: verdict %s (%v) at %s, expected.json says %s", name, vd.Status, vd.Reasons, demoTime, want)
		}
		b, err := render(src, params(r))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		frame := name + ".png"
		files[frame] = b
		steps = append(steps, Step{Frame: frame, Seconds: passSeconds, Expect: want},
			Step{Frame: emptyFrame, Seconds: emptySeconds})
	}
	j, err := json.MarshalIndent(steps, "", "  ")
	if err != nil {
		return nil, err
	}
	files["demo.json"] = append(j, '\n')
	return files, nil
}

// params draws the mild distortions of a phone held up to the kiosk: large
// and near the centre, turned and leaned a little, a clean screen, a touch of
// defocus. No sensor noise or JPEG artefacts: they would bloat the PNGs and
// the demo is about the path, not about hard frames.
func params(r *rand.Rand) framegen.Params {
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }
	rot := u(-7, 7)
	if rot < 0 {
		rot += 360
	}
	return framegen.Params{
		Width: width, Height: height, Seed: sceneSeed,
		Size: u(0.52, 0.6), X: u(0.46, 0.54), Y: u(0.47, 0.53),
		Rotation: rot, Tilt: u(4, 14), TiltAxis: u(0, 180),
		Dark: 15 + r.IntN(25), Light: 205 + r.IntN(30),
		Blur: u(0.3, 0.7), BlurKind: framegen.Gaussian,
	}
}

// render draws a frame, encodes it as a grey PNG, and checks that the
// scanner reads the PNG back to the pass's text (or, for an empty frame,
// finds nothing) and that it is small.
func render(src framegen.Source, p framegen.Params) ([]byte, error) {
	f, err := framegen.Render(src, p)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, f.Luma.Image()); err != nil {
		return nil, err
	}
	l, err := scanner.Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return nil, fmt.Errorf("read back: %w", err)
	}
	res, err := scanner.Decoder{}.Decode(l)
	switch {
	case p.NoCode && err == nil:
		return nil, fmt.Errorf("the scanner reads %.20q in the empty frame", res.Text)
	case p.NoCode && !errors.Is(err, scanner.ErrNotFound):
		return nil, err
	case !p.NoCode && err != nil:
		return nil, fmt.Errorf("the scanner cannot read the frame (%+v): %w", p, err)
	case !p.NoCode && res.Text != src.Text:
		return nil, fmt.Errorf("the scanner reads %.20q..., not the pass", res.Text)
	}
	if buf.Len() > maxPNG {
		return nil, fmt.Errorf("frame is %d bytes, above %d", buf.Len(), maxPNG)
	}
	return buf.Bytes(), nil
}

func loadBundle(data, pub []byte) (*bundle.Bundle, error) {
	key, err := bundle.ParseKey(string(pub))
	if err != nil {
		return nil, err
	}
	b, err := bundle.Load(data, key, nil, demoTime)
	if err != nil {
		return nil, fmt.Errorf("fixture bundle at %s: %w", demoTime, err)
	}
	return b, nil
}

// readExpected reads the status of each fixture pass.
func readExpected(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var exp map[string]struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(raw, &exp); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make(map[string]string, len(exp))
	for k, v := range exp {
		out[k] = v.Status
	}
	return out, nil
}

// write replaces the contents of dir with files: stale frames of passes no
// longer shown are removed.
func write(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range old {
		if _, keep := files[e.Name()]; !keep && !e.IsDir() {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), files[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}
