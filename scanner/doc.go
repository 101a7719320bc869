// Package scanner turns camera frames and image files into the text of the QR
// code they show, using gozxing.
//
// It works on a luma (grey) plane, [Luma], so that camera frames in YCbCr are
// decoded without any colour conversion, and it implements gozxing's
// LuminanceSource directly over that plane. A [Decoder] tries a short list of
// strategies, cheapest first (plain hybrid binarizer, harder search, global
// histogram, inverted for dark-mode screens, rotated and rescaled copies,
// Perspective, a detector of its own for steeply tilted codes: finder
// patterns grouped by geometry, the size counted on the timing patterns or
// read from the version information, a transform fitted to the traced
// finder squares; and Loose, a finder search with a pixel of slack for
// small and foreshortened patterns), and stops at the first that reads a
// code. A code whose finder patterns gozxing finds and cannot sample is
// sampled again in cells of its alignment patterns, at the sizes its
// version information and timing patterns tell. A [FrameDecoder] does the
// same for a camera within a time budget per frame, and [Live] keeps it fed
// with the newest frame.
//
// The hot loops are the package's own and give gozxing's results to the
// bit (tests compare them): the hybrid binarizer, whose inner loops are SSE2
// assembly on amd64 and Go elsewhere (build tag purego forces Go), the
// finder-pattern search, which reads rows as runs instead of pixel by
// pixel and checks their 1:1:3:1:1 ratio in integers, and the error
// correction of a sampled code's blocks: the syndromes, then
// Berlekamp-Massey, the roots and Forney's values on fixed arrays, where
// gozxing's Reed-Solomon decoder builds a polynomial a step (tests compare
// it with gozxing's on every block shape; unlike gozxing it also refuses a
// block it could not mend whose upper syndromes are zero).
//
// The package returns the raw text of a code and must not know what a pass
// is: parsing and verifying the payload belongs to the verify package.
package scanner
