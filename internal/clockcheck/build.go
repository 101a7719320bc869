package clockcheck

import (
	"runtime/debug"
	"time"
)

// BuildTime is when the binary's source was committed: the vcs.time the
// Go toolchain stamps into a binary built from a git checkout (go build,
// deploy/build-pi). Zero without it (a test binary, a build with
// -buildvcs=false or from an archive): the other bounds still hold. A
// binary cannot run before the commit it was built from.
func BuildTime(info *debug.BuildInfo) time.Time {
	if info == nil {
		return time.Time{}
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.time" {
			if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}
