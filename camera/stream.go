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
	free   chan []byte // luma buffers of released frames

	closeOnce sync.Once
	closeErr  error
}

func newStream(track *mediadevices.VideoTrack, label string, m Mode, now func() time.Time) *Stream {
	return &Stream{track: track, reader: track.NewReader(false), label: label, mode: m, now: now,
		free: make(chan []byte, spare)}
}

// spare is how many released buffers a stream keeps: enough for the frames
// a scanner.Live holds at once (one waiting and one per worker, two
// workers by default) and the one being delivered. A buffer released when
// there are already this many is collected.
const spare = 4

// Label is the device's label.
func (s *Stream) Label() string { return s.label }

// Mode is the mode the device was opened in.
func (s *Stream) Mode() Mode { return s.mode }

// Read waits for the next frame and returns its luma, copied out of the
// driver's buffer, which the driver reuses, into the buffer of a released
// frame when there is one. io.EOF means the stream was closed or a replay
// ended; another error, that the device failed (it was unplugged, say).
func (s *Stream) Read() (*Frame, error) {
	img, release, err := s.reader.Read()
	if err != nil {
		return nil, err
	}
	defer release()
	var buf []byte
	select {
	case buf = <-s.free:
	default:
	}
	y, w, h, err := lumaInto(buf, img)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.label, err)
	}
	s.seq++
	return &Frame{Seq: s.seq, Time: s.now(), Width: w, Height: h, Stride: w, Y: y, free: s.free}, nil
}

// Close stops the device.
func (s *Stream) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.track.Close() })
	return s.closeErr
}
