//go:build !(linux && cgo)

package camera

const webcamSupport = false

func rescanWebcams() {}
