package scanner

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing/common/reedsolomon"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// blockShape is a QR block: its codewords and, of them, error correction.
type blockShape struct{ n, ec int }

// qrBlockShapes are the block shapes of versions 1-40 at every level.
func qrBlockShapes(t testing.TB) []blockShape {
	t.Helper()
	seen := map[blockShape]bool{}
	var shapes []blockShape
	for v := 1; v <= 40; v++ {
		version, err := decoder.Version_GetVersionForNumber(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, level := range []decoder.ErrorCorrectionLevel{decoder.ErrorCorrectionLevel_L, decoder.ErrorCorrectionLevel_M, decoder.ErrorCorrectionLevel_Q, decoder.ErrorCorrectionLevel_H} {
			ecb := version.GetECBlocksForLevel(level)
			for _, b := range ecb.GetECBlocks() {
				s := blockShape{b.GetDataCodewords() + ecb.GetECCodewordsPerBlock(), ecb.GetECCodewordsPerBlock()}
				if !seen[s] {
					seen[s] = true
					shapes = append(shapes, s)
				}
			}
		}
	}
	return shapes
}

// syndromesZero tells whether the block is a codeword (see syndromes).
func syndromesZero(block []byte, ec int) bool {
	if ec > maxEC {
		return false // not a QR block
	}
	var s [maxEC]byte
	return syndromes(block, ec, &s)
}

// rsCodeword is a random codeword of the shape, made by gozxing's encoder.
func rsCodeword(t testing.TB, rng *rand.Rand, s blockShape) []byte {
	t.Helper()
	ints := make([]int, s.n)
	for i := range s.n - s.ec {
		ints[i] = rng.IntN(256)
	}
	if err := reedsolomon.NewReedSolomonEncoder(reedsolomon.GenericGF_QR_CODE_FIELD_256).Encode(ints, s.ec); err != nil {
		t.Fatal(err)
	}
	block := make([]byte, s.n)
	for i, v := range ints {
		block[i] = byte(v)
	}
	return block
}

// gozxingCorrect is gozxing's Reed-Solomon decoder on a copy of block.
func gozxingCorrect(block []byte, ec int) ([]byte, error) {
	ints := make([]int, len(block))
	for i, c := range block {
		ints[i] = int(c)
	}
	if err := reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_QR_CODE_FIELD_256).Decode(ints, ec); err != nil {
		return nil, err
	}
	out := make([]byte, len(ints))
	for i, v := range ints {
		out[i] = byte(v)
	}
	return out, nil
}

// distance is the number of codewords in which a and b differ.
func distance(a, b []byte) int {
	d := 0
	for i := range a {
		if a[i] != b[i] {
			d++
		}
	}
	return d
}

// checkCorrect compares correctBlock with gozxing's decoder on received:
// correctBlock mends it exactly when gozxing gives a codeword, to the same
// codeword, within ⌊ec/2⌋ of received; when it fails, received is left as
// it was.
func checkCorrect(t *testing.T, received []byte, ec int, what string) (mended bool) {
	t.Helper()
	want, werr := gozxingCorrect(received, ec)
	if werr == nil && !syndromesZero(want, ec) {
		// gozxing passes on a block it did not mend (upper syndromes
		// zero): not a codeword, so correctBlock must refuse it.
		werr = errUncorrectable
	}
	got := bytes.Clone(received)
	err := correctBlock(got, ec)
	switch {
	case (err == nil) != (werr == nil):
		t.Fatalf("%s: correctBlock %v, gozxing %v", what, err, werr)
	case err != nil && !bytes.Equal(got, received):
		t.Fatalf("%s: a failed correction changed the block", what)
	case err == nil && !bytes.Equal(got, want):
		t.Fatalf("%s: correctBlock and gozxing mend to different blocks", what)
	case err == nil && 2*distance(got, received) > ec:
		t.Fatalf("%s: mended %d codewords, more than half of %d", what, distance(got, received), ec)
	}
	return err == nil
}

// TestCorrectBlock: on every QR block shape, a codeword with 0 to ⌊ec/2⌋
// wrong codewords is mended to itself; with more, correctBlock agrees with
// gozxing's decoder (almost always both refuse; now and then the errors
// land within reach of another codeword, and both mend to it).
func TestCorrectBlock(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 5))
	shapes := qrBlockShapes(t)
	if len(shapes) < 30 {
		t.Fatalf("%d block shapes: the version table did not read", len(shapes))
	}
	for _, s := range shapes {
		for errs := 0; errs <= s.ec/2+4; errs++ {
			for trial := range 8 {
				clean := rsCodeword(t, rng, s)
				received := bytes.Clone(clean)
				for _, p := range rng.Perm(s.n)[:min(errs, s.n)] {
					received[p] ^= byte(1 + rng.IntN(255))
				}
				what := func() string {
					return fmt.Sprintf("n %d ec %d, %d errors, trial %d", s.n, s.ec, errs, trial)
				}
				mended := checkCorrect(t, received, s.ec, what())
				if 2*errs <= s.ec {
					got := bytes.Clone(received)
					if !mended || correctBlock(got, s.ec) != nil || !bytes.Equal(got, clean) {
						t.Fatalf("%s: not mended to the codeword", what())
					}
				}
			}
		}
		// Blocks of random bytes: nearly never within reach.
		for range 20 {
			received := make([]byte, s.n)
			for i := range received {
				received[i] = byte(rng.IntN(256))
			}
			checkCorrect(t, received, s.ec, fmt.Sprintf("random block n %d ec %d", s.n, s.ec))
		}
	}
}

// TestCorrectBlockUpperSyndromes: a block whose errors leave the upper
// half of its syndromes zero, which gozxing passes on unmended as
// mended, is refused.
func TestCorrectBlockUpperSyndromes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	s := blockShape{26, 10} // version 1-M
	clean := rsCodeword(t, rng, s)
	// An error polynomial e with e(α^i) = 0 for i = 5..9 but not for
	// i < 5: a multiple of (x-α^5)…(x-α^9), of degree 5, added to the
	// last six codewords.
	e := []byte{1}
	for i := 5; i < 10; i++ {
		// e = e·(x + α^i), coefficients lowest degree first.
		next := make([]byte, len(e)+1)
		for j, c := range e {
			next[j] ^= gfMul(c, gfExp[i])
			next[j+1] ^= c
		}
		e = next
	}
	received := bytes.Clone(clean)
	for j, c := range e {
		received[s.n-1-j] ^= c
	}
	if syndromesZero(received, s.ec) {
		t.Fatal("the error is a codeword")
	}
	if _, err := gozxingCorrect(received, s.ec); err != nil {
		t.Skipf("gozxing refuses this block now (%v): the case is gone", err)
	}
	got := bytes.Clone(received)
	if err := correctBlock(got, s.ec); err == nil {
		t.Fatalf("correctBlock mended a block six codewords off, beyond ⌊%d/2⌋", s.ec)
	}
	if !bytes.Equal(got, received) {
		t.Fatal("a refused block was changed")
	}
}

// FuzzCorrectBlock: on any block, correctBlock agrees with gozxing.
func FuzzCorrectBlock(f *testing.F) {
	f.Add(byte(10), []byte("a block of codewords with errors"))
	f.Add(byte(7), []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, ec byte, block []byte) {
		if len(block) == 0 || len(block) > 255 || int(ec) > min(maxEC, len(block)) || ec == 0 {
			return
		}
		checkCorrect(t, block, int(ec), "fuzzed block")
	})
}

// BenchmarkCorrectBlock: a version 10-M block (86 codewords, 26 of error
// correction) with 6 wrong codewords, correctBlock and gozxing's decoder.
func BenchmarkCorrectBlock(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := blockShape{86, 26}
	clean := rsCodeword(b, rng, s)
	received := bytes.Clone(clean)
	for _, p := range rng.Perm(s.n)[:6] {
		received[p] ^= byte(1 + rng.IntN(255))
	}
	b.Run("passgate", func(b *testing.B) {
		block := make([]byte, s.n)
		for range b.N {
			copy(block, received)
			if err := correctBlock(block, s.ec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gozxing", func(b *testing.B) {
		for range b.N {
			if _, err := gozxingCorrect(received, s.ec); err != nil {
				b.Fatal(err)
			}
		}
	})
}
