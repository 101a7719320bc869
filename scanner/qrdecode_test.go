package scanner

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// sameDecode compares decodeBits with gozxing's decoder on bits: the
// same text and mirror flag, or errors of the same kind, or both panics.
func sameDecode(bits *gozxing.BitMatrix) error {
	type outcome struct {
		text, kind string
		mirrored   bool
	}
	run := func(f func(*gozxing.BitMatrix, map[gozxing.DecodeHintType]any) (*common.DecoderResult, error)) (o outcome) {
		defer func() {
			if p := recover(); p != nil {
				o = outcome{kind: "panic"}
			}
		}()
		// Each decoder on its own copy: both unmask the matrix.
		dr, err := f(cloneBits(bits), nil)
		var fe gozxing.FormatException
		var ce gozxing.ChecksumException
		switch {
		case err == nil:
			md, _ := dr.GetOther().(*decoder.QRCodeDecoderMetaData)
			return outcome{text: dr.GetText(), mirrored: md != nil && md.IsMirrored()}
		case errors.As(err, &ce):
			return outcome{kind: "checksum"}
		case errors.As(err, &fe):
			return outcome{kind: "format"}
		}
		return outcome{kind: "other: " + err.Error()}
	}
	got := run(decodeBits)
	want := run(decoder.NewDecoder().Decode)
	if got != want && !(got.kind == "checksum" && unmendedBlock(bits)) {
		return fmt.Errorf("decodeBits %+v, gozxing %+v", got, want)
	}
	return nil
}

// cloneBits is a copy of m.
func cloneBits(m *gozxing.BitMatrix) *gozxing.BitMatrix {
	c, _ := gozxing.NewBitMatrix(m.GetWidth(), m.GetHeight())
	for y := range m.GetHeight() {
		c.SetRow(y, m.GetRow(y, nil))
	}
	return c
}

// unmendedBlock tells whether bits, read as is or mirrored, has a block
// of codewords that is no codeword and that gozxing's Reed-Solomon
// decoder passes on as mended (its upper syndromes zero): the one place
// where decodeBits, whose correctBlock refuses such a block, and gozxing's
// decoder part (see TestCorrectBlockUpperSyndromes).
func unmendedBlock(bits *gozxing.BitMatrix) bool {
	parser, err := decoder.NewBitMatrixParser(cloneBits(bits))
	if err != nil {
		return false
	}
	unmended := func() bool {
		_, _, blocks, err := readBlocks(parser)
		if err != nil {
			return false
		}
		for _, b := range blocks {
			block := b.GetCodewords()
			ec := len(block) - b.GetNumDataCodewords()
			if mended, err := gozxingCorrect(block, ec); err == nil && !syndromesZero(mended, ec) {
				return true
			}
		}
		return false
	}
	// As decodeBits reads: as is, then mirrored.
	return unmended() || mirror(parser) == nil && unmended()
}

// encode is a code of text at the level, a pixel a module, no margin.
func encode(t testing.TB, text string, level string) *gozxing.BitMatrix {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_MARGIN:           0,
		gozxing.EncodeHintType_ERROR_CORRECTION: level,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDecodeBits: decodeBits reads what gozxing's decoder reads, and fails
// where it fails, the same way: clean codes of several versions and
// levels, with modules flipped (within what the error correction mends
// and beyond), mirrored, and random modules.
func TestDecodeBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	for _, level := range []string{"L", "M", "Q", "H"} {
		for _, n := range []int{5, 60, 300, 900} {
			text := strings.Repeat("HC1:6BFOXN", n/10+1)[:n]
			code := encode(t, text, level)
			d := code.GetWidth()
			for flips := 0; flips <= 60; flips += 3 {
				m, _ := gozxing.NewSquareBitMatrix(d)
				for y := range d {
					m.SetRow(y, code.GetRow(y, nil))
				}
				for range flips {
					m.Flip(rng.IntN(d), rng.IntN(d))
				}
				if err := sameDecode(m); err != nil {
					t.Errorf("level %s, %d characters, %d flips: %v", level, n, flips, err)
				}
				if unmendedBlock(m) {
					// sameDecode's one allowance must not open on a
					// code with errors in the ordinary way.
					t.Errorf("level %s, %d characters, %d flips: a block gozxing passes unmended", level, n, flips)
				}
				if flips == 0 {
					if got, err := decodeBits(m, nil); err != nil || got.GetText() != text {
						t.Errorf("level %s, %d characters: %v", level, n, err)
					}
				}
				// Mirrored: rows and columns swapped.
				mm, _ := gozxing.NewSquareBitMatrix(d)
				for y := range d {
					for x := range d {
						if m.Get(x, y) {
							mm.Set(y, x)
						}
					}
				}
				if err := sameDecode(mm); err != nil {
					t.Errorf("level %s, %d characters, %d flips, mirrored: %v", level, n, flips, err)
				}
			}
		}
	}
	for v := 1; v <= 40; v += 3 {
		d := 17 + 4*v
		m, _ := gozxing.NewSquareBitMatrix(d)
		for y := range d {
			for x := range d {
				if rng.IntN(2) == 0 {
					m.Set(x, y)
				}
			}
		}
		if err := sameDecode(m); err != nil {
			t.Errorf("random modules, version %d: %v", v, err)
		}
	}
}

// TestSyndromesZero: a codeword's syndromes are zero, and any one error,
// in any codeword, makes one not.
func TestSyndromesZero(t *testing.T) {
	code := encode(t, "HC1:TEST SYNDROMES", "M")
	parser, err := decoder.NewBitMatrixParser(code)
	if err != nil {
		t.Fatal(err)
	}
	version, _ := parser.ReadVersion()
	format, _ := parser.ReadFormatInformation()
	raw, err := parser.ReadCodewords()
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := decoder.DataBlock_GetDataBlocks(raw, version, format.GetErrorCorrectionLevel())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		block := b.GetCodewords()
		ec := len(block) - b.GetNumDataCodewords()
		if !syndromesZero(block, ec) {
			t.Fatal("a clean block has a syndrome")
		}
		for i := range block {
			for _, e := range []byte{1, 0x80, 0xff} {
				block[i] ^= e
				if syndromesZero(block, ec) {
					t.Errorf("codeword %d off by %#x: syndromes zero", i, e)
				}
				block[i] ^= e
			}
		}
	}
}

// FuzzDecodeBits: on any modules, decodeBits and gozxing's decoder agree.
func FuzzDecodeBits(f *testing.F) {
	f.Add(byte(0), []byte("seed"))
	f.Add(byte(3), []byte{0xff, 0, 0x55, 0xaa})
	f.Fuzz(func(t *testing.T, version byte, pattern []byte) {
		if len(pattern) == 0 {
			return
		}
		code := encode(t, "HC1:FUZZ", "L") // version 1
		d := 17 + 4*(1+int(version)%12)
		m, _ := gozxing.NewSquareBitMatrix(d)
		for y := range d {
			for x := range d {
				i := y*d + x
				on := pattern[i/8%len(pattern)]>>(i%8)&1 == 1
				if x < code.GetWidth() && y < code.GetHeight() && version%2 == 0 {
					on = on != code.Get(x, y) // a real code's modules, partly
				}
				if on {
					m.Set(x, y)
				}
			}
		}
		if err := sameDecode(m); err != nil {
			t.Error(err)
		}
	})
}

// BenchmarkDecodeBits: a clean version 15 code, decodeBits and gozxing's
// decoder.
func BenchmarkDecodeBits(b *testing.B) {
	code := encode(b, strings.Repeat("HC1:6BFOXN", 40), "M")
	for _, c := range []struct {
		name string
		f    func(*gozxing.BitMatrix, map[gozxing.DecodeHintType]any) (*common.DecoderResult, error)
	}{{"passgate", decodeBits}, {"gozxing", decoder.NewDecoder().Decode}} {
		b.Run(c.name, func(b *testing.B) {
			m, _ := gozxing.NewSquareBitMatrix(code.GetWidth())
			for range b.N {
				// A fresh copy: a decode leaves the modules unmasked.
				for y := range code.GetHeight() {
					m.SetRow(y, code.GetRow(y, nil))
				}
				if _, err := c.f(m, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
