package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/testkit/shareddata"
)

func TestFrames(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "frames")
	clip := filepath.Join(dir, "clip.y4m")
	code, stdout, stderr := passctl(t, "frames", "-out", out, "-count", "8", "-seed", "3",
		"-passes", "../../testdata/passes", "-shared", "", "-y4m", clip, "-y4m-size", "1280x720")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote 8 frames") || !strings.Contains(stderr, "frames: 8/8 written") {
		t.Errorf("output lacks the summary or the progress:\n%s%s", stdout, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(out, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]struct {
		Text   string `json:"text"`
		Size   string `json:"size"`
		Params struct {
			Width  int  `json:"width"`
			NoCode bool `json:"no_code"`
		} `json:"params"`
	}
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	if len(expected) != 8 {
		t.Fatalf("expected.json lists %d frames, want 8", len(expected))
	}
	passes, _ := filepath.Glob("../../testdata/passes/*.txt")
	texts := map[string]bool{}
	for _, p := range passes {
		b, _ := os.ReadFile(p)
		texts[strings.TrimSpace(string(b))] = true
	}
	for i := 1; i <= 8; i++ {
		name := fmt.Sprintf("%04d.png", i)
		want, ok := expected[name]
		if !ok {
			t.Errorf("expected.json lacks %s", name)
			continue
		}
		f, err := os.Open(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		g, ok := img.(*image.Gray)
		if !ok {
			t.Errorf("%s is %T, want a grey PNG", name, img)
			continue
		}
		if got := fmt.Sprintf("%dx%d", g.Rect.Dx(), g.Rect.Dy()); got != want.Size {
			t.Errorf("%s: %s, expected.json says %s", name, got, want.Size)
		}
		if want.Params.NoCode != (want.Text == "") || want.Text != "" && !texts[want.Text] {
			t.Errorf("%s: text %.20q (no_code %v) is not one of the passes", name, want.Text, want.Params.NoCode)
		}
	}

	// Frames 2, 4, 6 and 8 are 1280×720: four frames in the clip.
	f, err := os.Open(clip)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	header, _ := br.ReadString('\n')
	if want := "YUV4MPEG2 W1280 H720 F10:1 Ip A1:1 C420jpeg\n"; header != want {
		t.Errorf("clip header %q, want %q", header, want)
	}
	n, err := io.Copy(io.Discard, br)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(4 * (len("FRAME\n") + 1280*720*3/2)); n != want {
		t.Errorf("clip body of %d bytes, want %d (4 frames)", n, want)
	}
}

// TestFramesDCC renders frames of the shared DCC images.
func TestFramesDCC(t *testing.T) {
	shareddata.Dir(t, "dgc-testdata")
	out := t.TempDir()
	mustPassctl(t, "frames", "-out", out, "-count", "3", "-passes", "", "-shared", shareddata.Root())
	raw, err := os.ReadFile(filepath.Join(out, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"source": "`) || !strings.Contains(string(raw), `.json"`) {
		t.Errorf("expected.json names no DCC vector as a source:\n%.500s", raw)
	}
}

func TestFramesUsage(t *testing.T) {
	for _, args := range [][]string{
		{"frames"},
		{"frames", "-out", t.TempDir(), "-count", "0"},
		{"frames", "-out", t.TempDir(), "-y4m", "x.y4m", "-y4m-size", "800x600"},
		{"frames", "-out", t.TempDir(), "-passes", "", "-shared", ""},
		{"frames", "-out", t.TempDir(), "extra"},
	} {
		if code, _, errOut := passctl(t, args...); code != 2 {
			t.Errorf("passctl %s: exit %d, want 2\n%s", strings.Join(args, " "), code, errOut)
		}
	}
	if code, _, errOut := passctl(t, "frames", "-out", t.TempDir(), "-passes", t.TempDir(), "-shared", ""); code != 1 || !strings.Contains(errOut, "no *.txt passes") {
		t.Errorf("an empty -passes folder: exit %d, want 1 and a reason\n%s", code, errOut)
	}
}

// TestFramesDoor renders a small door corpus: each frame says its kind.
func TestFramesDoor(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := passctl(t, "frames", "-out", out, "-door", "thumb,small", "-count", "2",
		"-passes", "../../testdata/passes", "-shared", "")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote 4 frames") {
		t.Errorf("stdout %q, want 4 frames: 2 of each kind", stdout)
	}
	raw, err := os.ReadFile(filepath.Join(out, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]struct {
		Text   string `json:"text"`
		Kind   string `json:"kind"`
		Params struct {
			Thumb *struct {
				RX float64 `json:"rx"`
			} `json:"thumb"`
		} `json:"params"`
	}
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	for i, kind := range []string{"thumb", "small", "thumb", "small"} {
		name := fmt.Sprintf("%04d.png", i+1)
		f := expected[name]
		if f.Kind != kind || f.Text == "" || (f.Params.Thumb != nil) != (kind == "thumb") {
			t.Errorf("%s: kind %q, text %.10q, thumb %v; want kind %s with a code", name, f.Kind, f.Text, f.Params.Thumb, kind)
		}
	}
	if code, _, errOut := passctl(t, "frames", "-out", t.TempDir(), "-door", "rain"); code != 2 || !strings.Contains(errOut, `-door "rain"`) {
		t.Errorf("-door rain: exit %d, want 2 and the reason\n%s", code, errOut)
	}
}
