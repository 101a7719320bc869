package camera

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Clip is a sequence of pictures of one size that a Replay plays.
type Clip interface {
	// Size is the size of every picture.
	Size() (width, height int)
	// FPS is the clip's own frame rate, 0 when it has none.
	FPS() float64
	// Next returns the next picture's luma in a buffer the clip may reuse
	// at the following call; io.EOF after the last.
	Next() (Still, error)
	// Rewind goes back to the first picture.
	Rewind() error
	Close() error
}

// maxY4MSide bounds the frame size read from a Y4M header, so a corrupt
// header cannot ask for a huge buffer.
const maxY4MSide = 8192

// Y4M is a YUV4MPEG2 video file read frame by frame.
type Y4M struct {
	path      string
	f         *os.File
	r         *bufio.Reader
	w, h      int
	fps       float64
	chroma    int   // bytes of chroma after each frame's luma
	dataStart int64 // offset of the first FRAME
	buf       []byte
	frame     int
}

// OpenY4M opens a YUV4MPEG2 file: 8-bit, any of the 420, 422, 444, 411
// and mono colour spaces (only the luma is used).
func OpenY4M(path string) (*Y4M, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	c := &Y4M{path: path, f: f, r: bufio.NewReaderSize(f, 1<<16)}
	if err := c.readHeader(); err != nil {
		f.Close()
		return nil, fmt.Errorf("replay: %s: %w", path, err)
	}
	// A header may claim any size: believe it only if the file holds at
	// least one whole frame of it, before allocating a buffer that large.
	if st, err := f.Stat(); err == nil && st.Size() < c.dataStart+int64(len("FRAME\n")+c.w*c.h+c.chroma) {
		f.Close()
		return nil, fmt.Errorf("replay: %s: holds no whole %dx%d frame", path, c.w, c.h)
	}
	return c, nil
}

func (c *Y4M) readHeader() error {
	line, err := c.r.ReadString('\n')
	if err != nil || len(line) > 1024 {
		return errors.New("not a YUV4MPEG2 file: no header line")
	}
	c.dataStart = int64(len(line))
	fields := strings.Fields(line)
	if len(fields) == 0 || fields[0] != "YUV4MPEG2" {
		return errors.New("not a YUV4MPEG2 file: header does not start with YUV4MPEG2")
	}
	colour := "420jpeg"
	for _, f := range fields[1:] {
		v := f[1:]
		switch f[0] {
		case 'W':
			c.w, err = strconv.Atoi(v)
		case 'H':
			c.h, err = strconv.Atoi(v)
		case 'F':
			num, den, ok := strings.Cut(v, ":")
			n, err1 := strconv.Atoi(num)
			d, err2 := strconv.Atoi(den)
			if !ok || err1 != nil || err2 != nil || n <= 0 || d <= 0 {
				return fmt.Errorf("frame rate %q: want N:D", v)
			}
			c.fps = float64(n) / float64(d)
		case 'C':
			colour = v
		}
		if err != nil {
			return fmt.Errorf("header field %q: %w", f, err)
		}
	}
	if c.w <= 0 || c.h <= 0 || c.w > maxY4MSide || c.h > maxY4MSide {
		return fmt.Errorf("frame size %dx%d: want 1 to %d pixels a side", c.w, c.h, maxY4MSide)
	}
	cw, ch := (c.w+1)/2, (c.h+1)/2
	switch {
	case colour == "420jpeg", colour == "420paldv", colour == "420mpeg2", colour == "420":
		c.chroma = 2 * cw * ch
	case colour == "422":
		c.chroma = 2 * cw * c.h
	case colour == "444":
		c.chroma = 2 * c.w * c.h
	case colour == "411":
		c.chroma = 2 * ((c.w + 3) / 4) * c.h
	case colour == "mono":
	default:
		return fmt.Errorf("colour space %q not supported (want 420, 422, 444, 411 or mono, 8 bits)", colour)
	}
	return nil
}

// Size is the frame size of the clip.
func (c *Y4M) Size() (int, int) { return c.w, c.h }

// FPS is the frame rate in the header, 0 when it has none.
func (c *Y4M) FPS() float64 { return c.fps }

// Next reads the next frame's luma; io.EOF at the end of the file.
func (c *Y4M) Next() (Still, error) {
	line, err := c.r.ReadSlice('\n')
	if err == io.EOF && len(line) == 0 {
		return Still{}, io.EOF
	}
	if err != nil || !strings.HasPrefix(string(line), "FRAME") {
		return Still{}, fmt.Errorf("replay: %s: frame %d: no FRAME marker", c.path, c.frame+1)
	}
	n := c.w * c.h
	if cap(c.buf) < n {
		c.buf = make([]byte, n)
	}
	y := c.buf[:n]
	if _, err := io.ReadFull(c.r, y); err != nil {
		return Still{}, fmt.Errorf("replay: %s: frame %d cut short: %w", c.path, c.frame+1, err)
	}
	if _, err := c.r.Discard(c.chroma); err != nil {
		return Still{}, fmt.Errorf("replay: %s: frame %d cut short: %w", c.path, c.frame+1, err)
	}
	c.frame++
	return Still{Pix: y, Width: c.w, Height: c.h, Stride: c.w}, nil
}

// Rewind goes back to the first frame.
func (c *Y4M) Rewind() error {
	if _, err := c.f.Seek(c.dataStart, io.SeekStart); err != nil {
		return fmt.Errorf("replay: %s: %w", c.path, err)
	}
	c.r.Reset(c.f)
	c.frame = 0
	return nil
}

// Close closes the file.
func (c *Y4M) Close() error { return c.f.Close() }

// Stills is a clip of pictures held in memory. Pictures of another size
// than the first are centred on a mid-grey frame of the first's size, or
// cropped to it.
type Stills struct {
	frames []Still
	i      int
}

// NewStills makes a clip of the pictures, in order.
func NewStills(pictures []Still) (*Stills, error) {
	if len(pictures) == 0 {
		return nil, errors.New("replay: no pictures")
	}
	w, h := pictures[0].Width, pictures[0].Height
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("replay: empty picture %dx%d", w, h)
	}
	s := &Stills{frames: make([]Still, len(pictures))}
	for i, p := range pictures {
		if p.Width == w && p.Height == h {
			s.frames[i] = p
			continue
		}
		s.frames[i] = fit(p, w, h)
	}
	return s, nil
}

func fit(p Still, w, h int) Still {
	out := Still{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	for i := range out.Pix {
		out.Pix[i] = 128
	}
	dx, dy := (w-p.Width)/2, (h-p.Height)/2
	for y := range h {
		sy := y - dy
		if sy < 0 || sy >= p.Height {
			continue
		}
		for x := range w {
			if sx := x - dx; sx >= 0 && sx < p.Width {
				out.Pix[y*w+x] = p.Pix[sy*p.Stride+sx]
			}
		}
	}
	return out
}

// Size is the size of the first picture, which all are made to have.
func (s *Stills) Size() (int, int) { return s.frames[0].Width, s.frames[0].Height }

// FPS is 0: stills have no frame rate of their own.
func (s *Stills) FPS() float64 { return 0 }

// Next returns the next picture; io.EOF after the last.
func (s *Stills) Next() (Still, error) {
	if s.i >= len(s.frames) {
		return Still{}, io.EOF
	}
	s.i++
	return s.frames[s.i-1], nil
}

// Rewind goes back to the first picture.
func (s *Stills) Rewind() error { s.i = 0; return nil }

// Close does nothing.
func (s *Stills) Close() error { return nil }
