package scanner

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// decodeBits reads the modules of a sampled code, as gozxing's decoder
// (qrcode/decoder.Decoder.Decode) does, with its parts, and returns what
// it returns; only the check of the error correction is faster. gozxing
// evaluates each block's syndromes through its polynomial type, a field
// multiplication a call, and that was a third of a clean code's decode;
// here they are computed in one pass over the block with log tables, and
// gozxing's Reed-Solomon decoder corrects a block only when one is not
// zero. A code read at a door is clean more often than not.
func decodeBits(bits *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any) (*common.DecoderResult, error) {
	parser, err := decoder.NewBitMatrixParser(bits)
	if err != nil {
		return nil, gozxing.WrapFormatException(err)
	}
	result, first := decodeParsed(parser, hints)
	if first == nil {
		return result, nil
	}
	// A mirrored code: gozxing reads the version and format information
	// mirrored, and when they read, the code.
	parser.Remask()
	parser.SetMirror(true)
	_, err = parser.ReadVersion()
	if err == nil {
		_, err = parser.ReadFormatInformation()
	}
	if err == nil {
		parser.Mirror()
		result, err = decodeParsed(parser, hints)
	}
	if err == nil {
		result.SetOther(decoder.NewQRCodeDecoderMetaData(true))
		return result, nil
	}
	switch err.(type) {
	case gozxing.FormatException, gozxing.ChecksumException:
		// The error of the first reading. (gozxing returns none when
		// that was of another kind, which its parts never give.)
		return nil, first
	}
	return nil, err
}

// decodeParsed is gozxing's Decoder.decode: the version, the format, the
// codewords by block, each block corrected, and the data parsed.
func decodeParsed(parser *decoder.BitMatrixParser, hints map[gozxing.DecodeHintType]any) (*common.DecoderResult, error) {
	version, err := parser.ReadVersion()
	if err != nil {
		return nil, gozxing.WrapFormatException(err)
	}
	format, err := parser.ReadFormatInformation()
	if err != nil {
		return nil, gozxing.WrapFormatException(err)
	}
	level := format.GetErrorCorrectionLevel()
	codewords, err := parser.ReadCodewords()
	if err != nil {
		return nil, gozxing.WrapFormatException(err)
	}
	blocks, err := decoder.DataBlock_GetDataBlocks(codewords, version, level)
	if err != nil {
		return nil, gozxing.WrapFormatException(err)
	}
	total := 0
	for _, b := range blocks {
		total += b.GetNumDataCodewords()
	}
	data := make([]byte, 0, total)
	for _, b := range blocks {
		block, n := b.GetCodewords(), b.GetNumDataCodewords()
		if err := correctBlock(block, len(block)-n); err != nil {
			return nil, err
		}
		data = append(data, block[:n]...)
	}
	return decoder.DecodedBitStreamParser_Decode(data, version, level, hints)
}

// correctBlock corrects the errors of a block of codewords with ec
// error-correction codewords in place, as gozxing's Decoder.correctErrors
// does: nothing to do when every syndrome is zero.
func correctBlock(block []byte, ec int) error {
	if syndromesZero(block, ec) {
		return nil
	}
	ints := make([]int, len(block))
	for i, c := range block {
		ints[i] = int(c)
	}
	if err := reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_QR_CODE_FIELD_256).Decode(ints, ec); err != nil {
		return gozxing.WrapChecksumException(err)
	}
	for i := range block {
		block[i] = byte(ints[i])
	}
	return nil
}

// syndromesZero tells whether the block, read as a polynomial (its first
// codeword the highest coefficient), is zero at α^0 … α^(ec-1), the roots
// of QR's generator polynomial: then it is a codeword, with no error to
// correct. Horner's rule for all ec points at once, in GF(256) with
// QR's polynomial x⁸+x⁴+x³+x²+1.
func syndromesZero(block []byte, ec int) bool {
	var s [maxEC]byte
	if ec > maxEC {
		return false // not a QR block: gozxing's decoder decides
	}
	for _, c := range block {
		for i := range ec {
			v := s[i]
			if v != 0 {
				v = gfExp[int(gfLog[v])+i]
			}
			s[i] = v ^ c
		}
	}
	for _, v := range s[:ec] {
		if v != 0 {
			return false
		}
	}
	return true
}

// maxEC is the most error-correction codewords a QR block has (versions
// 1-40, every level).
const maxEC = 30

// gfExp and gfLog are GF(256)'s powers of α and logarithms, for QR's
// polynomial 0x11d: gfExp[i] = α^i for i < 255+maxEC (so a sum of a log
// and a power below maxEC needs no modulo), gfLog[α^i] = i.
var gfExp, gfLog = gfTables()

func gfTables() (exp [255 + maxEC]byte, log [256]byte) {
	x := 1
	for i := range exp {
		exp[i] = byte(x)
		if i < 255 {
			log[x] = byte(i)
		}
		x <<= 1
		if x >= 256 {
			x ^= 0x11d
		}
	}
	return exp, log
}
