package scanner

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// decodeBits reads the modules of a sampled code, as gozxing's decoder
// (qrcode/decoder.Decoder.Decode) does, with its parts, and returns what
// it returns; only the error correction is faster (correctBlock, rs.go).
// gozxing evaluates each block's syndromes through its polynomial type, a
// field multiplication a call, and that was a third of a clean code's
// decode, and its correction of a block with errors a third of a
// photographed code's.
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
			return nil, gozxing.WrapChecksumException(err)
		}
		data = append(data, block[:n]...)
	}
	return decoder.DecodedBitStreamParser_Decode(data, version, level, hints)
}
