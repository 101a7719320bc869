package assets_test

import (
	"go/parser"
	"go/token"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/assets"
	"github.com/passgate/passgate/bundle"
)

func TestDemoSteps(t *testing.T) {
	steps, err := assets.DemoSteps()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"vaccination-valid", "test-pcr-valid", "test-pcr-too-old", "revoked-uci",
		"forged-signature", "unknown-kid", "vaccination-booster", "vaccination-ps256"}
	if len(steps) != 2*len(want) {
		t.Fatalf("%d steps, want %d passes each followed by an empty frame", len(steps), len(want))
	}
	for i, s := range steps {
		if i%2 == 1 {
			if s.Frame != "empty.png" || s.Expect != "" {
				t.Errorf("step %d: %+v, want the empty frame", i+1, s)
			}
			continue
		}
		if s.Frame != want[i/2]+".png" || (s.Expect != "valid" && s.Expect != "not-valid") || s.Seconds < 1 {
			t.Errorf("step %d: %+v, want %s.png held a while with a status", i+1, s, want[i/2])
		}
		img, err := assets.DemoFrame(s.Frame)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := img.(*image.Gray); !ok || img.Bounds() != image.Rect(0, 0, 640, 480) {
			t.Errorf("%s: %T %v, want a 640x480 grey picture", s.Frame, img, img.Bounds())
		}
	}
	for _, bad := range []string{"", ".", "../i18n/en.toml", "demo.json", "missing.png"} {
		if _, err := assets.DemoFrame(bad); err == nil {
			t.Errorf("DemoFrame(%q): no error", bad)
		}
	}
}

func TestDemoBundle(t *testing.T) {
	key, err := bundle.ParseKey(assets.DemoBundleKey())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bundle.Load(assets.DemoBundle(), key, nil, assets.DemoTime()); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)
	if got := assets.DemoTime(); !got.Equal(want) || got.Format(time.RFC3339) != "2021-12-13T12:00:00+09:00" {
		t.Errorf("DemoTime %s, want 2021-12-13T12:00:00+09:00", got)
	}
}

// TestDemoSize keeps the binary small: the frames are small PNGs.
func TestDemoSize(t *testing.T) {
	total := int64(0)
	err := filepath.WalkDir("demo", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, ".png") && fi.Size() > 60<<10 {
			t.Errorf("%s is %d bytes, above 60 KiB", path, fi.Size())
		}
		total += fi.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > 600<<10 {
		t.Errorf("demo/ is %d bytes, above 600 KiB", total)
	}
	t.Logf("demo/: %d bytes", total)
}

// TestLeaf keeps assets free of the project's packages (and of anything
// but the standard library): the i18n code imports it, and so will much
// else.
func TestLeaf(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range af.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if strings.Contains(strings.SplitN(p, "/", 2)[0], ".") {
				t.Errorf("%s imports %s: assets must import the standard library only", f, p)
			}
		}
	}
}
