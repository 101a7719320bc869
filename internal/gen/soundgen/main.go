// Command soundgen writes the kiosk's admit and refuse sounds, WAV files in
// assets/sounds, from a few sine tones: distinct at a glance (a rising
// two-note chime admits, a low double buzz refuses), short, and the same
// bytes on every run. Run by go generate ./assets.
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

const rate = 22050

// note is a tone: frequency, length, and a square wave instead of a sine.
type note struct {
	hz     float64
	secs   float64
	square bool
}

var sounds = map[string][]note{
	"admit.wav":  {{880, 0.12, false}, {0, 0.03, false}, {1318.5, 0.2, false}},
	"refuse.wav": {{196, 0.18, true}, {0, 0.06, false}, {196, 0.18, true}},
}

func main() {
	dir := "sounds"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "soundgen:", err)
		os.Exit(1)
	}
	for name, notes := range sounds {
		if err := os.WriteFile(filepath.Join(dir, name), wav(notes), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "soundgen:", err)
			os.Exit(1)
		}
	}
}

// wav renders notes as 16-bit mono PCM in a RIFF WAVE file, each note
// faded in and out over 5 ms so it does not click.
func wav(notes []note) []byte {
	var pcm []int16
	for _, n := range notes {
		count := int(n.secs * rate)
		fade := rate / 200
		for i := range count {
			v := 0.0
			if n.hz > 0 {
				v = math.Sin(2 * math.Pi * n.hz * float64(i) / rate)
				if n.square {
					v = math.Copysign(0.6, v)
				}
			}
			env := math.Min(1, math.Min(float64(i)/float64(fade), float64(count-i)/float64(fade)))
			pcm = append(pcm, int16(v*env*0.5*math.MaxInt16))
		}
	}
	var b bytes.Buffer
	data := len(pcm) * 2
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+data))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate * 2), uint16(2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(data))
	binary.Write(&b, binary.LittleEndian, pcm)
	return b.Bytes()
}
