package scanner_test

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
)

// drawCode draws text as a QR code with modules of px pixels, its top left
// corner at (x, y), with a white quiet zone of quiet modules around it.
func drawCode(t *testing.T, l *scanner.Luma, text string, ec decoder.ErrorCorrectionLevel, x, y, px, quiet int) {
	t.Helper()
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0, gozxing.EncodeHintType_ERROR_CORRECTION: ec}
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		t.Fatal(err)
	}
	n := m.GetWidth()
	for my := -quiet; my < n+quiet; my++ {
		for mx := -quiet; mx < n+quiet; mx++ {
			v := byte(255)
			if mx >= 0 && my >= 0 && mx < n && my < n && m.Get(mx, my) {
				v = 0
			}
			for py := range px {
				for pxx := range px {
					l.Pix[(y+my*px+py)*l.Stride+x+mx*px+pxx] = v
				}
			}
		}
	}
}

func white(w, h int) *scanner.Luma {
	l := scanner.NewLuma(w, h)
	for i := range l.Pix {
		l.Pix[i] = 255
	}
	return l
}

func texts(rs []scanner.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Text)
	}
	return out
}

func TestDecodeAll(t *testing.T) {
	sideBySide := func(t *testing.T) *scanner.Luma {
		l := white(400, 200)
		drawCode(t, l, "LEFT CODE", decoder.ErrorCorrectionLevel_M, 20, 20, 6, 2)
		drawCode(t, l, "RIGHT CODE", decoder.ErrorCorrectionLevel_M, 240, 40, 5, 2)
		return l
	}
	t.Run("side by side", func(t *testing.T) {
		rs, err := scanner.Decoder{}.DecodeAll(sideBySide(t), 4)
		if err != nil {
			t.Fatal(err)
		}
		got := texts(rs)
		slices.Sort(got)
		if !slices.Equal(got, []string{"LEFT CODE", "RIGHT CODE"}) {
			t.Fatalf("read %q, want both codes", got)
		}
	})
	t.Run("double", func(t *testing.T) {
		// A small code inside a big one's data, as the "double QR" of
		// the blackbox set: the outer code's error correction covers it.
		l := white(340, 340)
		drawCode(t, l, "OUTER", decoder.ErrorCorrectionLevel_H, 20, 20, 12, 1)
		drawCode(t, l, "IN", decoder.ErrorCorrectionLevel_L, 136, 136, 3, 1)
		rs, err := scanner.Decoder{}.DecodeAll(l, 4)
		if err != nil {
			t.Fatal(err)
		}
		got := texts(rs)
		slices.Sort(got)
		if !slices.Equal(got, []string{"IN", "OUTER"}) {
			t.Fatalf("read %q, want both codes", got)
		}
	})
	t.Run("one", func(t *testing.T) {
		l := white(200, 200)
		drawCode(t, l, "ONLY", decoder.ErrorCorrectionLevel_M, 30, 30, 5, 2)
		rs, err := scanner.Decoder{}.DecodeAll(l, 4)
		if err != nil {
			t.Fatal(err)
		}
		if got := texts(rs); !slices.Equal(got, []string{"ONLY"}) {
			t.Fatalf("read %q, want one code", got)
		}
	})
	t.Run("limit", func(t *testing.T) {
		rs, err := scanner.Decoder{}.DecodeAll(sideBySide(t), 1)
		if err != nil || len(rs) != 1 {
			t.Fatalf("read %d codes (%v), want 1", len(rs), err)
		}
	})
	t.Run("none", func(t *testing.T) {
		if _, err := (scanner.Decoder{}).DecodeAll(white(200, 200), 4); !errors.Is(err, scanner.ErrNotFound) {
			t.Fatalf("err %v, want ErrNotFound", err)
		}
	})
}

// TestDecodeAllDoubleQR: the blackbox set's "double QR" (qrcode-2/16), a
// small code drawn inside a big one's data, whose expected text is the
// inner code's: Decode reads the outer one, DecodeAll both, at every
// quarter turn. The inner one's bottom-left finder pattern is a pixel off
// gozxing's ratios: the Loose strategy reads it.
func TestDecodeAllDoubleQR(t *testing.T) {
	dir := shareddata.Dir(t, "qr-blackbox")
	l, err := scanner.LoadFile(filepath.Join(dir, "qrcode-2", "16.webp"))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := shareddata.Blackbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	var inner string
	for _, c := range cases {
		if c.Name == "qrcode-2/16.webp" {
			inner = c.Want
		}
	}
	if inner == "" {
		t.Fatal("qrcode-2/16.webp is not in the blackbox set")
	}
	for q := range 4 {
		rs, err := scanner.Decoder{}.DecodeAll(l.Turn(q), 4)
		if err != nil {
			t.Fatalf("%d°: %v", 90*q, err)
		}
		if got := texts(rs); len(got) != 2 || !slices.Contains(got, inner) {
			t.Errorf("%d°: read %q, want the outer code and the inner %q", 90*q, got, inner)
		}
	}
}
