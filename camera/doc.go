// Package camera delivers frames for the scanner: from a webcam through
// pion/mediadevices (V4L2 on Linux), or from a replay of a Y4M video or a
// set of still pictures, which is registered as a mediadevices driver so
// tests and the demo run the webcam's own track and reader path.
//
// A Frame exposes its luma (Y) plane as the source gives it: planar YUV and
// MJPEG frames decode to YCbCr, so no colour conversion happens between the
// sensor and the QR decoder. A stream reads each frame into the buffer of
// one released earlier (Frame.Release), so a camera at full rate does not
// allocate a picture's worth of memory a frame. The package does not
// decode QR codes.
//
// The webcam driver needs cgo (linux/videodev2.h); builds without cgo, or
// for other systems, have only the replay source and say so (ErrNoSupport).
package camera
