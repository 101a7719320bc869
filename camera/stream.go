package camera

import (
	"fmt"
	"sync"
	"time"

	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/io/video"
)

// Stream is an open device delivering frames. Read is for one goroutine;
// Close may be called from another to end a Read that waits.
type Stream struct {
	track  *mediadevices.VideoTrack
	reader video.Reader
	label  string
	mode   Mode
	now    func() time.Time
	seq    uint64
	pool   sync.Pool // of []byte luma buffers

	closeOnce sync.Once
	closeErr  error
}

func newStream(track *mediadevices.VideoTrack, label string, m Mode, now func() time.Time) *Stream {
	return &Stream{track: track, reader: track.NewReader(false), label: label, mode: m, now: now}
}

// Label is the device's label.
func (s *Stream) Label() string { return s.label }

// Mode is the mode the device was opened in.
func (s *Stream) Mode() Mode { return s.mode }

// Read waits for the next frame and returns its luma, copied out of the
// driver's buffer, which the driver reuses. io.EOF means the stream was
// closed or a replay ended; another error, that the device failed (it
// was unplugged, say).
func (s *Stream) Read() (*Frame, error) {
	img, release, err := s.reader.Read()
	if err != nil {
		return nil, err
	}
	defer release()
	buf, _ := s.pool.Get().([]byte)
	y, w, h, err := lumaInto(buf, img)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.label, err)
	}
	s.seq++
	return &Frame{Seq: s.seq, Time: s.now(), Width: w, Height: h, Stride: w, Y: y}, nil
}

// Release gives a frame's buffer back for reuse; the frame must not be
// used after it. Frames not released are simply collected.
func (s *Stream) Release(f *Frame) {
	if f != nil && f.Y != nil {
		s.pool.Put(f.Y[:0:cap(f.Y)])
		f.Y = nil
	}
}

// Close stops the device.
func (s *Stream) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.track.Close() })
	return s.closeErr
}
