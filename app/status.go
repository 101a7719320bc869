package app

import (
	"runtime/debug"
	"sync/atomic"

	"github.com/passgate/passgate/camera"
)

// What the kiosk tells the hub of itself beside what uplink knows (see
// uplink.Options.Report): the software's version and the camera's state.

// cameraState is the camera's last state, as the kiosk's camera reports
// it (camera.Camera.OnStatus, called from the camera's goroutine) and the
// uplink reads it (from its own).
type cameraState struct{ v atomic.Pointer[camera.State] }

func (c *cameraState) set(st camera.Status) { c.v.Store(&st.State) }

// report is the version and the camera's state for the hub: "none" when
// the mode runs no camera, "connecting" until the camera said more.
func (a *App) report() (version, cam string) {
	switch st := a.camera.v.Load(); {
	case a.Camera == nil:
		cam = "none"
	case st == nil:
		cam = camera.Connecting.String()
	default:
		cam = st.String()
	}
	return buildVersion(), cam
}

// buildVersion is the version of the running binary: its module version
// when built from a tagged module, else "devel" and the commit it was
// built from (12 digits, "+dirty" with uncommitted changes), else
// "devel".
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	v := "devel"
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v += "-" + s.Value[:min(12, len(s.Value))]
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty {
		v += "+dirty"
	}
	return v
}
