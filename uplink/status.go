package uplink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/passgate/passgate/entry"
)

// The kiosk's status at the hub: after every round that pushed entries,
// and as a heartbeat every StatusEvery (jittered) otherwise, the kiosk
// posts what it is doing to /v1/status: the bundle in use, the entries
// waiting and the oldest of them, its clock, its version and camera
// (Options.Report), and the last error it met. A status is a request of
// its own, after the push: it never holds entries back, and its failure
// is only logged. A hub that answers 404 is older than status reports;
// that is logged once and the kiosk keeps syncing (and tries again at
// each heartbeat, in case the hub was upgraded).

// statusTimeout bounds one status report: a hub that takes pushes but
// stalls on statuses delays the next push by at most this.
const statusTimeout = 10 * time.Second

// Limits of the hub (hub.MaxVersion, hub.MaxCamera, hub.MaxLastError).
const (
	maxVersion   = 64
	maxCamera    = 32
	maxLastError = 512
)

// statusReport is the body of POST /v1/status (hub.StatusReport).
type statusReport struct {
	BundleSequence uint64    `json:"bundle_sequence"`
	Waiting        int       `json:"waiting"`
	OldestWaiting  time.Time `json:"oldest_waiting,omitzero"`
	Clock          time.Time `json:"clock"`
	Version        string    `json:"version"`
	Camera         string    `json:"camera"`
	LastError      string    `json:"last_error,omitempty"`
}

// statusState is what the status reports remember; under Uplink.mu.
type statusState struct {
	lastErr string // the last failure since the last report that arrived
	old     bool   // the hub answered 404: it takes no status (logged)
	failing bool   // the last report failed otherwise (logged)
}

// report sends the kiosk's status. Its failure is logged here (once per
// streak) and goes no further: status is never a reason to back off.
func (u *Uplink) report(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	body, err := json.Marshal(u.status())
	if err == nil {
		err = u.postStatus(ctx, body)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	var he *HTTPError
	switch {
	case err == nil:
		if u.stat.old || u.stat.failing {
			u.o.Log.InfoContext(ctx, "status reported to the hub again")
		}
		u.stat = statusState{}
	case errors.As(err, &he) && he.Status == http.StatusNotFound:
		if !u.stat.old {
			u.o.Log.InfoContext(ctx, "the hub takes no status reports (a passhub older than this kiosk): sync goes on without them")
		}
		u.stat.old = true
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
	default:
		level := slog.LevelWarn
		if u.stat.failing {
			level = slog.LevelDebug
		}
		u.o.Log.Log(ctx, level, "status report failed: sync goes on", "err", err)
		u.stat.failing = true
	}
}

// status is the kiosk's status now.
func (u *Uplink) status() statusReport {
	st := statusReport{BundleSequence: seq(u.trust.Load()), Clock: u.o.Now(), Version: "unknown", Camera: "none"}
	// The oldest first: an entry recorded meanwhile adds to the count, so
	// the count is never 0 while an oldest waiting entry is named.
	if es, err := u.reg.Pending(1); err == nil && len(es) == 1 {
		st.OldestWaiting = entryTime(es[0])
	}
	u.countWaiting()
	u.mu.Lock()
	st.Waiting = u.state.Waiting
	lastErr := u.stat.lastErr
	if lastErr == "" && u.state.BundleError != nil {
		lastErr = u.state.BundleError.Error()
	}
	u.mu.Unlock()
	if _, ok := u.reg.(interface{ PendingCount() (int, error) }); !ok {
		// Without a count, what one push takes is a lower bound.
		if es, err := u.reg.Pending(u.o.Batch); err == nil {
			st.Waiting = len(es)
		}
	}
	if !st.OldestWaiting.IsZero() {
		st.Waiting = max(st.Waiting, 1)
	}
	if u.o.Report != nil {
		version, camera := u.o.Report()
		st.Version = word(version, maxVersion, func(r rune) bool { return unicode.IsPrint(r) && !unicode.IsSpace(r) }, "unknown")
		st.Camera = word(strings.ToLower(camera), maxCamera, func(r rune) bool {
			return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		}, "none")
	}
	st.LastError = text(lastErr, maxLastError)
	return st
}

// entryTime is when an entry was recorded: its time, else its id's.
func entryTime(e entry.Entry) time.Time {
	if !e.Time.IsZero() {
		return e.Time
	}
	t, _ := entry.IDTime(e.ID)
	return t
}

// postStatus posts a status to the hubs.
func (u *Uplink) postStatus(ctx context.Context, body []byte) error {
	resp, err := u.send(ctx, http.MethodPost, "/v1/status", body, func(req *http.Request) {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+u.o.Token)
	})
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status: %w", u.statusError(resp))
	}
	return nil
}

// word is s if it is 1 to max bytes of runes ok takes, else s with the
// others dropped and cut at max, or def if nothing is left.
func word(s string, max int, ok func(rune) bool, def string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "") {
		if ok(r) && b.Len()+utf8.RuneLen(r) <= max {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return def
	}
	return b.String()
}

// text is s as the hub takes a last error: UTF-8, control and bidi
// characters as spaces (an errors.Join has line breaks), at most max
// bytes, cut at a character.
func text(s string, max int) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "?") {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			r = ' '
		}
		if b.Len()+utf8.RuneLen(r) > max {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}
