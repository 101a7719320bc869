package clockcheck

import (
	"runtime/debug"
	"time"
)

// BuildTime is when the binary's source was committed: the vcs.time the
// Go toolchain stamps into a binary built from a git checkout (go build,
// deploy/build-pi), else stamp, an RFC 3339 time given at build (app's
// buildTime, set with -ldflags "-X ...=$(date -u +%FT%TZ)" where VCS
// stamping is off). Zero without either (a test binary, a build with
// -buildvcs=false): the other bounds still hold. A binary cannot run
// before the commit it was built from.
func BuildTime(info *debug.BuildInfo, stamp string) time.Time {
	if info != nil {
		for _, s := range info.Settings {
			if s.Key == "vcs.time" {
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					return t
				}
			}
		}
	}
	if t, err := time.Parse(time.RFC3339, stamp); err == nil {
		return t
	}
	return time.Time{}
}
