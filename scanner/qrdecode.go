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
	err = mirror(parser)
	if err == nil {
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

// mirror turns parser, after a first reading that failed, to read the
// code mirrored, as gozxing's decoder does: the version and format
// information read mirrored, or the error of the one that does not.
func mirror(parser *decoder.BitMatrixParser) error {
	parser.Remask()
	parser.SetMirror(true)
	if _, err := parser.ReadVersion(); err != nil {
		return err
	}
	if _, err := parser.ReadFormatInformation(); err != nil {
		return err
	}
	parser.Mirror()
	return nil
}

// readBlocks is the first half of gozxing's Decoder.decode: the version,
// the format and the codewords by block, not yet corrected.
func readBlocks(parser *decoder.BitMatrixParser) (*decoder.Version, decoder.ErrorCorrectionLevel, []*decoder.DataBlock, error) {
	version, err := parser.ReadVersion()
	if err != nil {
		return nil, 0, nil, gozxing.WrapFormatException(err)
	}
	format, err := parser.ReadFormatInformation()
	if err != nil {
		return nil, 0, nil, gozxing.WrapFormatException(err)
	}
	level := format.GetErrorCorrectionLevel()
	codewords, err := parser.ReadCodewords()
	if err != nil {
		return nil, 0, nil, gozxing.WrapFormatException(err)
	}
	blocks, err := decoder.DataBlock_GetDataBlocks(codewords, version, level)
	if err != nil {
		return nil, 0, nil, gozxing.WrapFormatException(err)
	}
	return version, level, blocks, nil
}

// decodeParsed is gozxing's Decoder.decode: the blocks read, each one
// corrected, and the data parsed.
func decodeParsed(parser *decoder.BitMatrixParser, hints map[gozxing.DecodeHintType]any) (*common.DecoderResult, error) {
	version, level, blocks, err := readBlocks(parser)
	if err != nil {
		return nil, err
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
