package main

import (
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// twoCodes writes a PNG with two QR codes side by side.
func twoCodes(t *testing.T, a, b string) string {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 420, 200))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for i, text := range []string{a, b} {
		m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
			map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0})
		if err != nil {
			t.Fatal(err)
		}
		x0, y0 := 20+220*i, 20+10*i
		for y := range m.GetHeight() * 6 {
			for x := range m.GetWidth() * 6 {
				if m.Get(x/6, y/6) {
					img.SetGray(x0+x, y0+y, color.Gray{})
				}
			}
		}
	}
	path := filepath.Join(t.TempDir(), "two.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestScanAll(t *testing.T) {
	img := twoCodes(t, "FIRST", "SECOND")
	code, out, errOut := run(t, "", "scan", "--json", "--all", img)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		OK    bool     `json:"ok"`
		Text  string   `json:"text"`
		Texts []string `json:"texts"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	sorted := slices.Sorted(slices.Values(got.Texts))
	if !got.OK || !slices.Equal(sorted, []string{"FIRST", "SECOND"}) || got.Texts[0] != got.Text {
		t.Fatalf("got %+v, want both codes listed, the first code first", got)
	}
	// Without --all: the first code only, and no texts.
	_, out, _ = run(t, "", "scan", "--json", img)
	if strings.Contains(out, "texts") {
		t.Errorf("texts without --all: %s", out)
	}
	// As text: one line a code.
	_, out, _ = run(t, "", "scan", "--all", img)
	if n := strings.Count(out, img+": "); n != 2 {
		t.Errorf("%d lines for the picture, want 2:\n%s", n, out)
	}
}

func TestScanFrame(t *testing.T) {
	img := twoCodes(t, "FIRST", "SECOND")
	code, out, errOut := run(t, "", "scan", "--json", "--frame", "--repeat", "3", img)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		OK       bool   `json:"ok"`
		Text     string `json:"text"`
		Strategy string `json:"strategy"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	// The frame decoder's first attempt, as on a camera frame.
	if !got.OK || (got.Text != "FIRST" && got.Text != "SECOND") || got.Strategy != "hybrid" {
		t.Fatalf("got %+v, want one code read by the frame decoder's first attempt", got)
	}
	if code, _, errOut := run(t, "", "scan", "--all", "--frame", img); code != ExitUsage || !strings.Contains(errOut, "--frame") {
		t.Errorf("--all --frame: exit %d, %q", code, errOut)
	}
}
