package camera

import (
	"fmt"
	"image"
	"image/color"
	"time"
)

// Frame is one picture from a source: its luma plane and when it was read.
// Pixel (x, y) is Y[y*Stride+x], 0 black and 255 white.
type Frame struct {
	Seq           uint64    // 1, 2, 3... in the order the stream read them
	Time          time.Time // when the stream read it
	Width, Height int
	Stride        int
	Y             []byte

	free chan<- []byte // the stream's spare buffers
}

// Release gives the frame's buffer back to its stream, which reads a later
// frame into it: neither the frame nor anything sharing Y may be used
// after it. Whoever holds the frame last releases it, once; a frame not
// released is simply collected.
func (f *Frame) Release() {
	if f == nil || f.Y == nil {
		return
	}
	if f.free != nil {
		select {
		case f.free <- f.Y:
		default: // enough spares already
		}
	}
	f.Y = nil
}

// lumaInto copies the luma of img into buf (grown when too small) and
// returns the frame's plane. YCbCr and Gray images, what V4L2 formats and
// MJPEG decode to, are copied row by row without conversion; anything else
// is converted pixel by pixel, the slow path.
func lumaInto(buf []byte, img image.Image) (y []byte, w, h int, err error) {
	r := img.Bounds()
	w, h = r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return nil, 0, 0, fmt.Errorf("camera: empty frame %dx%d", w, h)
	}
	if cap(buf) < w*h {
		buf = make([]byte, w*h)
	}
	y = buf[:w*h]
	switch m := img.(type) {
	case *image.YCbCr:
		for row := range h {
			off := m.YOffset(r.Min.X, r.Min.Y+row)
			copy(y[row*w:(row+1)*w], m.Y[off:off+w])
		}
	case *image.Gray:
		for row := range h {
			off := m.PixOffset(r.Min.X, r.Min.Y+row)
			copy(y[row*w:(row+1)*w], m.Pix[off:off+w])
		}
	default:
		for row := range h {
			for x := range w {
				y[row*w+x] = color.GrayModel.Convert(img.At(r.Min.X+x, r.Min.Y+row)).(color.Gray).Y
			}
		}
	}
	return y, w, h, nil
}

// Still is a picture for a replay: a luma plane, as scanner.Luma holds one.
type Still struct {
	Pix           []byte
	Width, Height int
	Stride        int
}
