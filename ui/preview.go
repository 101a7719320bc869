package ui

import (
	"fmt"
	"image"
	"image/color"
	"strings"

	"github.com/passgate/passgate/camera"
)

// thumb is a camera frame shrunk for the screen, copied out of the
// camera's buffer when the frame arrives (the camera reuses it).
type thumb struct {
	w, h   int
	pix    []byte
	region image.Rectangle // of the code found, in thumb pixels
}

// thumbWidth bounds a thumbnail: wider than any terminal preview.
const thumbWidth = 200

// makeThumb shrinks the luma plane of f by sampling; region is in frame
// pixels.
func makeThumb(f *camera.Frame, region image.Rectangle) *thumb {
	if f == nil || f.Width <= 0 || f.Height <= 0 || len(f.Y) < (f.Height-1)*f.Stride+f.Width {
		return nil
	}
	w := min(f.Width, thumbWidth)
	h := max(1, f.Height*w/f.Width)
	t := &thumb{w: w, h: h, pix: make([]byte, w*h)}
	for y := range h {
		row := f.Y[(y*f.Height/h)*f.Stride:]
		for x := range w {
			t.pix[y*w+x] = row[x*f.Width/w]
		}
	}
	if !region.Empty() {
		t.region = image.Rect(region.Min.X*w/f.Width, region.Min.Y*h/f.Height,
			region.Max.X*w/f.Width, region.Max.Y*h/f.Height)
	}
	return t
}

// fit is the size in cells of the preview within cols×rows: a cell shows
// two pixels one above the other, so square pixels keep the aspect.
func (t *thumb) fit(cols, rows int) (int, int) {
	if t == nil || cols <= 0 || rows <= 0 {
		return 0, 0
	}
	w := cols
	h := (t.h*w/t.w + 1) / 2
	if h > rows {
		h = rows
		w = t.w * h * 2 / t.h
	}
	return w, h
}

// render draws the thumbnail as cols×rows half blocks: foreground the
// upper pixel, background the lower, in grey; the code's region is
// outlined in outline.
func (t *thumb) render(cols, rows int, outline color.Color) string {
	if t == nil || cols <= 0 || rows <= 0 {
		return ""
	}
	px := func(x, y int) (r, g, b uint8) {
		sx, sy := x*t.w/cols, y*t.h/(rows*2)
		if !t.region.Empty() && onEdge(t.region, sx, sy, t.w/cols+1, t.h/(rows*2)+1) {
			cr, cg, cb, _ := outline.RGBA()
			return uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8)
		}
		v := t.pix[sy*t.w+sx]
		return v, v, v
	}
	var sb strings.Builder
	for row := range rows {
		for x := range cols {
			r1, g1, b1 := px(x, row*2)
			r2, g2, b2 := px(x, row*2+1)
			fmt.Fprintf(&sb, "\x1b[38;2;%d;%d;%dm\x1b[48;2;%d;%d;%dm▀", r1, g1, b1, r2, g2, b2)
		}
		sb.WriteString("\x1b[m")
		if row < rows-1 {
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// onEdge tells whether pixel (x, y) lies on the border of r, the border
// being dx, dy pixels thick (one screen pixel).
func onEdge(r image.Rectangle, x, y, dx, dy int) bool {
	in := x >= r.Min.X-dx && x < r.Max.X+dx && y >= r.Min.Y-dy && y < r.Max.Y+dy
	inner := x >= r.Min.X+dx && x < r.Max.X-dx && y >= r.Min.Y+dy && y < r.Max.Y-dy
	return in && !inner
}
