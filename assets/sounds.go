package assets

import (
	"embed"
	"fmt"
)

//go:embed sounds/*.wav
var sounds embed.FS

// The sounds the kiosk plays.
const (
	SoundAdmit  = "admit"
	SoundRefuse = "refuse"
)

// Sound returns a WAV file by name (SoundAdmit, SoundRefuse).
func Sound(name string) ([]byte, error) {
	b, err := sounds.ReadFile("sounds/" + name + ".wav")
	if err != nil {
		return nil, fmt.Errorf("assets: no sound %q", name)
	}
	return b, nil
}
