package app

import (
	"testing"
	"time"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/internal/testkit/fixtures"
)

// TestReportCamera: the camera openCamera builds tells the report its
// state: "connecting" until it says, then each state it reports; "none"
// when the mode has no camera.
func TestReportCamera(t *testing.T) {
	if _, cam := (&App{}).report(); cam != "none" {
		t.Errorf("no camera: %q, want none", cam)
	}
	home := t.TempDir()
	cfg, err := config.Load("", func(k string) string { return map[string]string{"HOME": home}[k] },
		config.Override{Key: "camera.replay", Value: fixtures.Path("passes"), Flag: "--replay"})
	if err != nil {
		t.Fatal(err)
	}
	a := &App{Config: cfg, Now: time.Now}
	defer a.Close()
	if err := a.openCamera(); err != nil {
		t.Fatal(err)
	}
	if _, cam := a.report(); cam != "connecting" {
		t.Errorf("before the camera said anything: %q, want connecting", cam)
	}
	for _, st := range []camera.State{camera.Streaming, camera.Lost, camera.Streaming, camera.Stopped} {
		a.Camera.OnStatus(camera.Status{State: st})
		if _, cam := a.report(); cam != st.String() {
			t.Errorf("after %v: %q", st, cam)
		}
	}
	if v, _ := a.report(); v == "" || len(v) > 64 {
		t.Errorf("version %q", v)
	}
}
