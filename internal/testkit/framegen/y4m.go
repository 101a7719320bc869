package framegen

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/passgate/passgate/scanner"
)

// ErrClipSize is returned (wrapped) by WriteY4M when the frames of a clip
// differ in size: a YUV4MPEG2 stream has one size, set in its header.
var ErrClipSize = errors.New("framegen: frames of one clip must have one size")

// WriteY4M writes frames as a YUV4MPEG2 clip at fps frames a second: 4:2:0
// chroma (JPEG siting) set to grey, so a player shows the luma as it is and
// the camera's replay source reads it back without conversion. All frames
// must have the size of the first.
func WriteY4M(w io.Writer, frames []*scanner.Luma, fps int) error {
	if len(frames) == 0 {
		return errors.New("framegen: write Y4M: no frames")
	}
	if fps <= 0 {
		return fmt.Errorf("framegen: write Y4M: frame rate %d, want at least 1", fps)
	}
	width, height := frames[0].Width, frames[0].Height
	if width <= 0 || height <= 0 {
		return fmt.Errorf("framegen: write Y4M: empty first frame (%dx%d)", width, height)
	}
	for i, f := range frames {
		if f.Width != width || f.Height != height {
			return fmt.Errorf("%w: frame %d is %dx%d, the first %dx%d", ErrClipSize, i, f.Width, f.Height, width, height)
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg\n", width, height, fps)
	chroma := bytes.Repeat([]byte{128}, 2*((width+1)/2)*((height+1)/2))
	for _, f := range frames {
		bw.WriteString("FRAME\n")
		for y := range height {
			bw.Write(f.Pix[y*f.Stride : y*f.Stride+width])
		}
		bw.Write(chroma) // U and V planes, one after the other
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("framegen: write Y4M: %w", err)
	}
	return nil
}
