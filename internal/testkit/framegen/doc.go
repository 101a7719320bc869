// Package framegen renders QR codes the way a webcam sees a phone held up
// to it, into 8-bit luma frames, to measure the scanner on something closer
// to the front desk than clean PNG files.
//
// A frame is a pure function of a [Source] (the code) and its [Params] (the
// distortions: tilt, rotation, size, defocus, noise, contrast, glare, dark
// mode, JPEG artefacts, and a cluttered background), so a frame that the
// scanner fails on can be reported, and rendered again, from its parameters.
// [Corpus] draws the parameters of many frames from one seed, so the same
// seed always gives the same frames on one architecture. With
// [Options.Kinds] it draws a door corpus instead: the cases a kiosk at a
// door sees and the default corpus does not ([DoorKinds]: a bent phone, a
// cracked screen, the moiré of filming a screen, motion blur, a thumb over
// part of the code within its error correction, very small codes), from a
// random sequence of their own. [WriteY4M] writes
// frames as a YUV4MPEG2 clip for the camera's replay source.
//
// The package is test tooling: it must not be imported by the kiosk, and it
// knows nothing of passes beyond the text a code holds.
package framegen
