//go:build linux && cgo

package camera

import (
	webcam "github.com/pion/mediadevices/pkg/driver/camera"
)

// webcamSupport tells whether this build can open webcams.
const webcamSupport = true

// rescanWebcams registers the V4L2 devices present now with mediadevices.
// It drops every video driver first, replays included: Devices registers
// its replays again after calling it.
func rescanWebcams() { webcam.Initialize() }
