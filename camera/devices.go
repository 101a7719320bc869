package camera

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/prop"
)

// Errors a caller tells apart to say what to do.
var (
	// ErrNoSupport: this build has no webcam driver (no cgo, or not Linux).
	ErrNoSupport = errors.New("built without camera support (needs Linux and cgo): use a replay source")
	// ErrNoCamera: no camera matches, or none is plugged in.
	ErrNoCamera = errors.New("no camera found")
	// ErrBusy: another program has the camera open.
	ErrBusy = errors.New("camera is busy: another program is using it")
	// ErrPermission: the user may not open the device.
	ErrPermission = errors.New("no permission to open the camera (add the user to the video group)")
)

// Mode is one way a device can deliver frames.
type Mode struct {
	Width, Height int
	FPS           float64 // 0 when the device does not say
	Format        string  // I420, NV12, YUYV, MJPEG...
}

func (m Mode) String() string {
	if m.FPS > 0 {
		return fmt.Sprintf("%dx%d %s %g fps", m.Width, m.Height, m.Format, m.FPS)
	}
	return fmt.Sprintf("%dx%d %s", m.Width, m.Height, m.Format)
}

// Device describes a frame source.
type Device struct {
	ID     string // mediadevices' id, valid until the next scan
	Label  string // e.g. "video0;video0" for a webcam, "replay:NAME" for a replay
	Name   string // the driver's name for people, with the bus, when known
	Replay bool
	Modes  []Mode
	// Err says why Modes is empty: the device could not be opened.
	Err error
}

// Devices finds and opens frame sources. Webcams live in mediadevices'
// driver manager, which is process-wide (the library's); replays added
// here are remembered, so a rescan for webcams, which clears the
// manager's video drivers, registers them again.
type Devices struct {
	now func() time.Time

	mu      sync.Mutex
	replays map[string]*replay // by label
}

// NewDevices returns the device set; now stamps frames (time.Now if nil).
func NewDevices(now func() time.Time) *Devices {
	if now == nil {
		now = time.Now
	}
	return &Devices{now: now, replays: map[string]*replay{}}
}

// WebcamSupport tells whether this build can open webcams.
func WebcamSupport() bool { return webcamSupport }

// AddReplay registers a clip as a video device labelled "replay:NAME".
func (d *Devices) AddReplay(name string, clip Clip, o ReplayOptions) (label string, err error) {
	r, err := newReplay(clip, o)
	if err != nil {
		return "", err
	}
	label = "replay:" + name
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.replays[label]; ok {
		return "", fmt.Errorf("replay %q is already registered", name)
	}
	d.replays[label] = r
	d.register(label, r)
	return label, nil
}

func (d *Devices) register(label string, r *replay) {
	driver.GetManager().Register(r, driver.Info{Label: label, Name: "passgate replay", DeviceType: driver.Camera, Priority: driver.PriorityLow})
}

// rescan registers the webcams present now, and the replays again.
func (d *Devices) rescan() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !webcamSupport {
		return
	}
	rescanWebcams()
	for label, r := range d.replays {
		d.register(label, r)
	}
}

// List rescans and describes every video device, opening each to read
// its modes (a busy device is listed with Err set).
func (d *Devices) List() []Device {
	d.rescan()
	var out []Device
	for _, drv := range videoDrivers() {
		info := drv.Info()
		dev := Device{ID: drv.ID(), Label: info.Label, Name: info.Name, Replay: strings.HasPrefix(info.Label, "replay:")}
		dev.Modes, dev.Err = modes(drv)
		out = append(out, dev)
	}
	slices.SortFunc(out, func(a, b Device) int { return cmp.Compare(a.Label, b.Label) })
	return out
}

func videoDrivers() []driver.Driver {
	return driver.GetManager().Query(driver.FilterAnd(driver.FilterVideoRecorder(),
		driver.FilterNot(driver.FilterDeviceType(driver.Screen))))
}

// modes opens a closed driver to read its properties, as mediadevices does
// when it chooses a device.
func modes(drv driver.Driver) ([]Mode, error) {
	if drv.Status() == driver.StateClosed {
		if err := drv.Open(); err != nil {
			return nil, openError(err)
		}
		defer drv.Close()
	}
	var ms []Mode
	for _, p := range drv.Properties() {
		ms = append(ms, Mode{Width: p.Width, Height: p.Height, FPS: float64(p.FrameRate), Format: string(p.FrameFormat)})
	}
	return ms, nil
}

// openError names the usual reasons a V4L2 device does not open.
func openError(err error) error {
	switch {
	case errors.Is(err, syscall.EBUSY):
		return fmt.Errorf("%w (%v)", ErrBusy, err)
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return fmt.Errorf("%w (%v)", ErrPermission, err)
	case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO):
		return fmt.Errorf("%w: the device is gone (%v)", ErrNoCamera, err)
	}
	return err
}

// Config chooses a device and how it should deliver frames.
type Config struct {
	// Device is a label ("replay:demo", "video0"), a device path
	// ("/dev/video0", "/dev/v4l/by-id/..."), or part of a device's name;
	// empty takes the webcam mediadevices prefers (video0 first), else a
	// replay.
	Device string
	// Width and Height wanted; 0 means 1280×720. The closest mode is used.
	Width, Height int
	// FPS wanted; 0 means 30.
	FPS float64
}

// find picks the device the config names.
func (d *Devices) find(c Config) (driver.Driver, error) {
	drivers := videoDrivers()
	if len(drivers) == 0 {
		if !webcamSupport {
			return nil, ErrNoSupport
		}
		return nil, ErrNoCamera
	}
	if c.Device == "" {
		slices.SortFunc(drivers, func(a, b driver.Driver) int {
			return cmp.Or(cmp.Compare(b.Info().Priority, a.Info().Priority), cmp.Compare(a.Info().Label, b.Info().Label))
		})
		return drivers[0], nil
	}
	want := c.Device
	base := filepath.Base(want)
	if real, err := filepath.EvalSymlinks(want); err == nil && strings.HasPrefix(want, "/dev/") {
		base = filepath.Base(real)
	}
	for _, drv := range drivers {
		l := drv.Info().Label
		if l == want {
			return drv, nil
		}
		for part := range strings.SplitSeq(l, webcamLabelSep) {
			if part == base {
				return drv, nil
			}
		}
	}
	for _, drv := range drivers {
		if want != "" && strings.Contains(strings.ToLower(drv.Info().Name), strings.ToLower(want)) {
			return drv, nil
		}
	}
	if _, err := os.Stat(want); err == nil && strings.HasPrefix(want, "/dev/") && !webcamSupport {
		return nil, ErrNoSupport
	}
	return nil, fmt.Errorf("%w matching %q", ErrNoCamera, want)
}

// webcamLabelSep separates the parts of a webcam's label in mediadevices
// (the link name and the device name, e.g. "video0;video0").
const webcamLabelSep = ";"

// formatRank orders formats by the work between the sensor and the luma
// plane: planar YUV is used as it is, packed YUV is split, MJPEG must be
// decoded.
func formatRank(f string) int {
	switch frame.Format(f) {
	case frame.FormatI420, frame.FormatNV12, frame.FormatNV21, frame.FormatI444:
		return 0
	case frame.FormatYUYV, frame.FormatYUY2, frame.FormatUYVY:
		return 1
	case frame.FormatMJPEG:
		return 2
	}
	return 9 // RGBA, depth: usable only by conversion
}

// chooseMode takes the mode closest in size to the wanted one, then the
// cheapest format that still gives at least 10 fps (or the wanted rate
// when lower), then the frame rate closest to the wanted one.
func chooseMode(ms []Mode, w, h int, fps float64) (Mode, bool) {
	best, bestCost := Mode{}, -1.0
	for _, m := range ms {
		if m.Width <= 0 || m.Height <= 0 {
			continue
		}
		size := float64(abs(m.Width-w) + abs(m.Height-h))
		rank := float64(formatRank(m.Format))
		slow := 0.0
		if m.FPS > 0 && m.FPS < min(10, fps) {
			slow = 5 // slower than useful: worse than a costlier format
		}
		rate := 0.0
		if m.FPS > 0 {
			rate = min(abs64(m.FPS-fps)/fps, 1)
		}
		cost := size*100 + (rank+slow)*2 + rate
		if bestCost < 0 || cost < bestCost {
			best, bestCost = m, cost
		}
	}
	return best, bestCost >= 0
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func abs64(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// Open opens the device the config names with the mode closest to it.
func (d *Devices) Open(c Config) (*Stream, error) {
	if c.Width == 0 || c.Height == 0 {
		c.Width, c.Height = 1280, 720
	}
	if c.FPS == 0 {
		c.FPS = 30
	}
	d.rescan()
	drv, err := d.find(c)
	if err != nil {
		return nil, err
	}
	ms, err := modes(drv)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", drv.Info().Label, err)
	}
	m, ok := chooseMode(ms, c.Width, c.Height, c.FPS)
	if !ok {
		return nil, fmt.Errorf("open %s: it offers no usable mode (%v)", drv.Info().Label, ms)
	}
	id := drv.ID()
	stream, err := mediadevices.GetUserMedia(mediadevices.MediaStreamConstraints{
		Video: func(t *mediadevices.MediaTrackConstraints) {
			t.DeviceID = prop.StringExact(id)
			t.Width, t.Height = prop.IntExact(m.Width), prop.IntExact(m.Height)
			t.FrameFormat = prop.FrameFormatExact(frame.Format(m.Format))
			if m.FPS > 0 {
				t.FrameRate = prop.FloatExact(float32(m.FPS))
			}
			// Not DiscardFramesOlderThan: mediadevices v0.9.4 panics
			// merging it ("unsupported property type"). Stream reads
			// continuously, so the driver's two buffers stay fresh.
		},
	})
	if err != nil {
		return nil, fmt.Errorf("open %s (%v): %w", drv.Info().Label, m, openError(err))
	}
	tracks := stream.GetVideoTracks()
	if len(tracks) != 1 {
		for _, t := range stream.GetTracks() {
			t.Close()
		}
		return nil, fmt.Errorf("open %s: got %d video tracks", drv.Info().Label, len(tracks))
	}
	track, ok := tracks[0].(*mediadevices.VideoTrack)
	if !ok {
		tracks[0].Close()
		return nil, fmt.Errorf("open %s: track is %T, not a video track", drv.Info().Label, tracks[0])
	}
	return newStream(track, drv.Info().Label, m, d.now), nil
}
