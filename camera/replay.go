package camera

import (
	"errors"
	"fmt"
	"image"
	"io"
	"sync"
	"time"

	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// ReplayOptions say how a clip is played.
type ReplayOptions struct {
	// FPS is the playing rate; 0 takes the clip's own, else 10.
	FPS float64
	// Loop starts again after the last picture; without it the stream
	// ends (io.EOF) after one pass.
	Loop bool
}

// replay is a mediadevices video driver that plays a Clip: frames come
// out as 4:2:0 YCbCr, as from a webcam delivering I420.
type replay struct {
	clip Clip
	fps  float64
	loop bool

	mu     sync.Mutex
	closed chan struct{}
	ticker *time.Ticker
}

func newReplay(clip Clip, o ReplayOptions) (*replay, error) {
	fps := o.FPS
	if fps == 0 {
		fps = clip.FPS()
	}
	if fps == 0 {
		fps = 10
	}
	if fps < 0 || fps > 1000 {
		return nil, fmt.Errorf("replay: frame rate %g: want 0 to 1000", o.FPS)
	}
	return &replay{clip: clip, fps: fps, loop: o.Loop}, nil
}

// Open starts a session; frames are read after VideoRecord.
func (r *replay) Open() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = make(chan struct{})
	return r.clip.Rewind()
}

// Close ends the session: a Read waiting for its tick returns io.EOF.
func (r *replay) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed != nil {
		close(r.closed)
		r.closed = nil
	}
	if r.ticker != nil {
		r.ticker.Stop()
		r.ticker = nil
	}
	return nil
}

// Properties offers the clip's one size, in I420, at the playing rate.
func (r *replay) Properties() []prop.Media {
	w, h := r.clip.Size()
	return []prop.Media{{Video: prop.Video{Width: w, Height: h, FrameFormat: frame.FormatI420, FrameRate: float32(r.fps)}}}
}

// VideoRecord returns the reader of the clip's frames, one a tick.
func (r *replay) VideoRecord(p prop.Media) (video.Reader, error) {
	w, h := r.clip.Size()
	if p.Width != w || p.Height != h {
		return nil, fmt.Errorf("replay: asked for %dx%d, the clip is %dx%d", p.Width, p.Height, w, h)
	}
	r.mu.Lock()
	closed := r.closed
	r.ticker = time.NewTicker(time.Duration(float64(time.Second) / r.fps))
	tick := r.ticker.C
	r.mu.Unlock()
	if closed == nil {
		return nil, errors.New("replay: not open")
	}
	cw, ch := (w+1)/2, (h+1)/2
	grey := make([]byte, cw*ch)
	for i := range grey {
		grey[i] = 128
	}
	return video.ReaderFunc(func() (image.Image, func(), error) {
		select {
		case <-closed:
			return nil, func() {}, io.EOF
		case <-tick:
		}
		s, err := r.clip.Next()
		if err == io.EOF && r.loop {
			if err = r.clip.Rewind(); err == nil {
				s, err = r.clip.Next()
			}
		}
		if err != nil {
			return nil, func() {}, err
		}
		return &image.YCbCr{Y: s.Pix, YStride: s.Stride, Cb: grey, Cr: grey, CStride: cw,
			SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: image.Rect(0, 0, w, h)}, func() {}, nil
	}), nil
}
