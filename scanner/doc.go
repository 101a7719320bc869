// Package scanner turns camera frames and image files into the text of the QR
// code they show, using gozxing.
//
// It works on a luma (grey) plane, [Luma], so that camera frames in YCbCr are
// decoded without any colour conversion, and it implements gozxing's
// LuminanceSource directly over that plane. A [Decoder] tries a short list of
// strategies, cheapest first (plain hybrid binarizer, harder search, global
// histogram, inverted for dark-mode screens, rotated and rescaled copies),
// and stops at the first that reads a code.
//
// The package returns the raw text of a code and must not know what a pass
// is: parsing and verifying the payload belongs to the verify package.
package scanner
