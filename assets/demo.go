package assets

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"time"
)

// The built-in demo's files, made by internal/gen/demogen (go generate): the
// fixtures' signed trust bundle and its key, one frame per pass shown, an
// empty frame, and demo.json, the sequence to play.
//
//go:embed demo
var demo embed.FS

// DemoTime is the moment the demo judges passes at, whatever the wall
// clock says: lunchtime on 13 December 2021 in Seoul, the first day of
// Korea's vaccine pass and the moment the fixtures are made for, so the
// demo's passes keep their verdicts for ever.
func DemoTime() time.Time {
	return time.Date(2021, 12, 13, 12, 0, 0, 0, time.FixedZone("KST", 9*3600))
}

// DemoBundle returns the demo's signed trust bundle (the fixtures'
// testdata/bundle.bin). The slice is shared: do not modify it.
func DemoBundle() []byte { return mustRead("demo/bundle.bin") }

// DemoBundleKey returns the PEM text of the key that signs DemoBundle, for
// bundle.ParseKey.
func DemoBundleKey() string { return string(mustRead("demo/bundle.pub")) }

func mustRead(name string) []byte {
	b, err := demo.ReadFile(name)
	if err != nil {
		panic("assets: " + name + " is not embedded: " + err.Error())
	}
	return b
}

// DemoStep is one step of the demo: a frame shown for some seconds.
type DemoStep struct {
	// Frame names the picture, for DemoFrame.
	Frame string `json:"frame"`
	// Seconds the frame stays in front of the camera.
	Seconds float64 `json:"seconds"`
	// Expect is the status verify gives the pass shown ("valid",
	// "not-valid") at DemoTime; empty for a frame without a pass.
	Expect string `json:"expect,omitempty"`
}

// DemoSteps returns the demo's sequence, in the order it is played (and
// then played again).
func DemoSteps() ([]DemoStep, error) {
	var steps []DemoStep
	if err := json.Unmarshal(mustRead("demo/demo.json"), &steps); err != nil {
		return nil, fmt.Errorf("assets: demo.json: %w", err)
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("assets: demo.json has no steps")
	}
	for i, s := range steps {
		if _, err := fs.Stat(demo, "demo/"+s.Frame); s.Frame == "" || err != nil {
			return nil, fmt.Errorf("assets: demo.json step %d: no frame %q", i+1, s.Frame)
		}
		if s.Seconds <= 0 {
			return nil, fmt.Errorf("assets: demo.json step %d: %g seconds", i+1, s.Seconds)
		}
	}
	return steps, nil
}

// DemoFrame decodes one of the demo's frames, named as in DemoStep.Frame:
// a 640×480 grey picture (an *image.Gray).
func DemoFrame(name string) (image.Image, error) {
	if !fs.ValidPath(name) || name == "." {
		return nil, fmt.Errorf("assets: no demo frame %q", name)
	}
	b, err := demo.ReadFile("demo/" + name)
	if err != nil {
		return nil, fmt.Errorf("assets: no demo frame %q", name)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("assets: demo frame %s: %w", name, err)
	}
	return img, nil
}
