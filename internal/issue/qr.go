package issue

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// QR draws text as a QR code with error correction level Q (what the EU
// DCC specification recommends), scale pixels a module and a quiet zone of
// four modules.
func QR(text string, scale int) (*image.Gray, error) {
	if scale < 1 {
		return nil, fmt.Errorf("QR scale %d: want at least 1 pixel a module", scale)
	}
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: "Q",
		gozxing.EncodeHintType_MARGIN:           4,
	}
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		return nil, fmt.Errorf("QR: %w", err)
	}
	w, h := m.GetWidth(), m.GetHeight()
	img := image.NewGray(image.Rect(0, 0, w*scale, h*scale))
	for y := range h * scale {
		row := img.Pix[y*img.Stride : y*img.Stride+w*scale]
		for x := range row {
			row[x] = 0xff
			if m.Get(x/scale, y/scale) {
				row[x] = 0x00
			}
		}
	}
	return img, nil
}

// QRPNG is QR encoded as PNG.
func QRPNG(text string, scale int) ([]byte, error) {
	img, err := QR(text, scale)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
