package scanner_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/issue"
	"github.com/passgate/passgate/scanner"
)

// TestCleanCodes reads clean codes as passctl draws them, DCC-sized
// (400 to 700 base45 characters after "HC1:", versions 15 to 21) at 2 to
// 6 pixels a module: every one must read in the first attempt, the only
// one a slow kiosk is sure to make. About one code in 30 holds, in its
// data, a pattern that passes for a finder pattern both ways; gozxing's
// search stops at three confirmed centres and chose it before it saw the
// real third one (found by the Perspective strategy, a later and costlier
// try, or not at all on a busy Raspberry Pi). A complete search of the
// rows and a choice by geometry read them in the first attempt.
func TestCleanCodes(t *testing.T) {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
	rng := rand.New(rand.NewPCG(2021, 12_13))
	n := 250
	if testing.Short() {
		n = 50
	}
	late := 0
	for i := range n {
		b := make([]byte, 400+rng.IntN(300))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		text := "HC1:" + string(b)
		scale := 2 + i%5
		g, err := issue.QR(text, scale)
		if err != nil {
			t.Fatal(err)
		}
		l := &scanner.Luma{Pix: g.Pix, Width: g.Rect.Dx(), Height: g.Rect.Dy(), Stride: g.Stride}
		// No time budget: the attempts must not depend on the machine's load.
		fr, err := scanner.NewFrameDecoder(scanner.FrameOptions{Budget: time.Hour}).Decode(l, time.Time{})
		switch {
		case err != nil:
			t.Errorf("code %d (%d characters, %d px a module) not read: %v", i, len(text), scale, err)
		case fr.Text != text:
			t.Errorf("code %d read %.20q, want %.20q", i, fr.Text, text)
		case len(fr.Attempts) != 1:
			late++
			t.Errorf("code %d (%d characters, %d px a module) read by %s, attempt %d: want the first", i, len(text), scale, fr.Strategy, len(fr.Attempts))
		}
	}
	t.Logf("%d clean codes, %d not read in the first attempt", n, late)
}
