// Command topgm prepares the image sets of bench/scanpeers: it loads every
// image once with scanner.LoadFile, turns it, and writes it as an 8-bit
// binary PGM (P5), so that every reader in the comparison decodes the same
// grey pixels. It writes OUT/<set>.list (the PGM files, one a line) and
// OUT/manifest.jsonl (set, rotation, PGM file, source, expected text, and
// a door frame's kind, width and height).
//
// It must not decode anything: the readers are what is being measured.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/passgate/passgate/internal/testkit/conformance"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
)

// entry is one line of the manifest.
type entry struct {
	Set  string `json:"set"`
	Rot  int    `json:"rot"`
	File string `json:"file"`           // the PGM, as the readers are given it
	Src  string `json:"src"`            // the original image, for people reading a result
	Want string `json:"want"`           // "" for a frame with no code
	Kind string `json:"kind,omitempty"` // a door frame's kind
	W    int    `json:"w"`              // the PGM's width and height, as turned
	H    int    `json:"h"`
}

// image is a source image before rotation.
type image struct {
	src, name, want string
	kind            string // a door frame's kind
	luma            *scanner.Luma
}

// rotations are the turns, in degrees clockwise, of every image of a set
// that is turned.
var rotations = []int{0, 90, 180, 270}

func main() {
	shared := flag.String("shared", "", "the shared folder (holds testdata/)")
	out := flag.String("out", "", "output folder for the PGM files and the manifest")
	frames := flag.String("frames", "", "a generated frame corpus (PNGs and expected.json); empty to skip")
	door := flag.String("door", "", "a generated door corpus (passctl frames -door), the set \"door\"; empty to skip")
	flag.Parse()
	if *shared == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*shared, *out, *frames, *door); err != nil {
		fmt.Fprintln(os.Stderr, "topgm:", err)
		os.Exit(1)
	}
}

func run(shared, out, frames, door string) error {
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return fmt.Errorf("clear %s: %w", out, err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	man, err := os.Create(filepath.Join(out, "manifest.jsonl"))
	if err != nil {
		return err
	}
	defer man.Close()
	enc := json.NewEncoder(man)
	enc.SetEscapeHTML(false)

	type set struct {
		name string
		turn bool // decode at the four rotations
		load func() ([]image, error)
	}
	sets := []set{
		{"blackbox", true, func() ([]image, error) { return blackbox(filepath.Join(shared, "testdata", "qr-blackbox")) }},
		{"dcc", true, func() ([]image, error) { return dcc(filepath.Join(shared, "testdata", "dgc-testdata")) }},
	}
	if frames != "" {
		sets = append(sets, set{"frames", false, func() ([]image, error) { return frameSet(frames) }})
	}
	if door != "" {
		sets = append(sets, set{"door", false, func() ([]image, error) { return frameSet(door) }})
	}
	for _, s := range sets {
		imgs, err := s.load()
		if err != nil {
			return fmt.Errorf("set %s: %w", s.name, err)
		}
		if len(imgs) == 0 {
			return fmt.Errorf("set %s: no images", s.name)
		}
		list, err := os.Create(filepath.Join(out, s.name+".list"))
		if err != nil {
			return err
		}
		n := 0
		for _, deg := range rotations {
			if deg != 0 && !s.turn {
				continue
			}
			for _, im := range imgs {
				pgm := filepath.Join(out, s.name, fmt.Sprintf("r%d", deg), im.name+".pgm")
				turned := im.luma.Turn(deg / 90)
				if err := writePGM(pgm, turned); err != nil {
					list.Close()
					return err
				}
				fmt.Fprintln(list, pgm)
				if err := enc.Encode(entry{s.name, deg, pgm, im.src, im.want, im.kind, turned.Width, turned.Height}); err != nil {
					list.Close()
					return err
				}
				n++
			}
		}
		if err := list.Close(); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "topgm: %s: %d images, %d PGM files\n", s.name, len(imgs), n)
	}
	return man.Close()
}

// blackbox loads qrcode-2 and qrcode-6 as scanner/blackbox_test.go does.
func blackbox(root string) ([]image, error) {
	imgs, err := shareddata.Blackbox(root)
	if err != nil {
		return nil, err
	}
	var out []image
	for _, img := range imgs {
		l, err := scanner.LoadFile(img.Path)
		if err != nil {
			return nil, err
		}
		out = append(out, image{src: img.Path, name: img.Name, want: img.Want, luma: l})
	}
	return out, nil
}

// dcc loads the QR image of every DCC test vector that promises it
// decodes (conformance.Pictures): the required cases of
// scanner/dcc_test.go.
func dcc(root string) ([]image, error) {
	vs, err := conformance.Load(root)
	if err != nil {
		return nil, err
	}
	var out []image
	for _, v := range conformance.Pictures(vs) {
		l, err := scanner.Load(bytes.NewReader(v.PNG))
		if err != nil {
			return nil, fmt.Errorf("%s: 2DCODE: %w", v.Path, err)
		}
		out = append(out, image{src: filepath.Join(root, v.Path), name: strings.TrimSuffix(v.Path, ".json"), want: v.Prefix, luma: l})
	}
	return out, nil
}

// frameSet loads a corpus written by `passctl frames`: DIR/expected.json
// maps a file name to {"text": ..., "kind": ..., ...}, text "" for a frame
// with no code, kind the door kind (passctl frames -door).
func frameSet(dir string) ([]image, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		return nil, err
	}
	var want map[string]struct {
		Text *string `json:"text"`
		Kind string  `json:"kind"`
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		return nil, fmt.Errorf("expected.json: %w", err)
	}
	names := make([]string, 0, len(want))
	for name, w := range want {
		if w.Text == nil {
			return nil, fmt.Errorf("expected.json: %s has no \"text\"", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]image, 0, len(names))
	for _, name := range names {
		path := filepath.Join(dir, name)
		l, err := scanner.LoadFile(path)
		if err != nil {
			return nil, err
		}
		out = append(out, image{path, strings.TrimSuffix(name, filepath.Ext(name)), *want[name].Text, want[name].Kind, l})
	}
	return out, nil
}

func writePGM(path string, l *scanner.Luma) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "P5\n%d %d\n255\n", l.Width, l.Height)
	for y := 0; y < l.Height; y++ {
		if _, err := w.Write(l.Pix[y*l.Stride : y*l.Stride+l.Width]); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return w.Flush()
}
