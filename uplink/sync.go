package uplink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/atomicfile"
)

// maxBundle bounds a bundle download (10 million revocations are 160 MB).
const maxBundle = 512 << 20

// ETag is the hub's entity tag of a bundle: its SHA-256 in hex, quoted.
func ETag(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// pull fetches the hub's bundle and takes it into use when it passes
// LoadBundle. It returns what happened in words; the error is for a hub
// that could not be asked (a refused bundle is not one: the kiosk keeps
// its bundle and State.LastError says why).
func (u *Uplink) pull(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, u.o.RoundTimeout)
	defer cancel()
	if raw, _ := u.raw.Load().([]byte); raw != nil {
		msg, err, ok := u.pullDelta(ctx, raw)
		if ok {
			return msg, err
		}
	}
	resp, err := u.get(ctx, "/v1/bundle", true)
	if err != nil {
		return "", u.pullFailed(err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && !u.hasETag():
		return "", u.pullFailed(errors.New("the hub answered 304 Not Modified to a request without an ETag"))
	case resp.StatusCode == http.StatusNotModified:
		u.notModified()
		return "unchanged", nil
	case resp.StatusCode != http.StatusOK:
		return "", u.pullFailed(u.statusError(resp))
	}
	if resp.ContentLength > maxBundle { // refused before a byte is read
		return "", u.pullFailed(fmt.Errorf("the hub offers a bundle of %d bytes, at most %d", resp.ContentLength, maxBundle))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBundle+1))
	if err == nil && len(data) > maxBundle {
		err = fmt.Errorf("bundle larger than %d bytes", maxBundle)
	}
	if err != nil {
		return "", u.pullFailed(err)
	}
	return u.take(ctx, data, resp.Header.Get("ETag"), false, 0), nil
}

// pullFailed records a pull that failed and returns its error.
func (u *Uplink) pullFailed(err error) error {
	err = fmt.Errorf("pull bundle: %w", err)
	u.failed(err)
	return err
}

// notModified records a pull that found the bundle in use current.
func (u *Uplink) notModified() {
	u.succeeded(true)
	u.mu.Lock()
	u.state.BundleError = nil
	u.mu.Unlock()
}

// pullDelta fetches the head of the hub's bundle and only the revocation
// segments the bundle in use lacks (raw), then checks the reassembled
// bundle as a whole one. ok is false when the delta path could not be
// used (an old hub, a malformed head): the caller fetches the whole bundle.
func (u *Uplink) pullDelta(ctx context.Context, raw []byte) (msg string, err error, ok bool) {
	base := "/v1/bundle"
	resp, err := u.get(ctx, base+"/head", true)
	if err != nil {
		return "", u.pullFailed(err), true
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && !u.hasETag():
		return "", u.pullFailed(errors.New("the hub answered 304 Not Modified to a request without an ETag")), true
	case resp.StatusCode == http.StatusNotModified:
		u.notModified()
		return "unchanged", nil, true
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		return "", u.pullFailed(u.statusError(resp)), true
	case resp.StatusCode != http.StatusOK:
		return "", nil, false
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, maxBundle))
	if err != nil {
		return "", nil, false
	}
	// The head is signed: check it before fetching any part, so a hub
	// (or someone between) cannot make the kiosk download for nothing.
	if current := u.trust.Load(); current != nil {
		if err := bundle.CheckHead(head, u.o.BundleKey, current, maxBundle); err != nil {
			if errors.Is(err, bundle.ErrTruncated) {
				// A head cut short: the full pull judges the bundle.
				return "", nil, false
			}
			return u.refused(ctx, current, err).Error(), nil, true
		}
	}
	have, err := bundle.Segments(raw)
	if err != nil {
		return "", nil, false
	}
	lookup := func(sum [32]byte) ([]byte, bool) { s, ok := have[sum]; return s, ok }
	data, missing, err := bundle.Assemble(head, lookup)
	if err != nil && len(missing) == 0 {
		return "", nil, false
	}
	for _, sum := range missing {
		seg, err := u.segment(ctx, base+"/segments/"+hex.EncodeToString(sum[:]), sum)
		if err != nil {
			err = fmt.Errorf("pull bundle segment: %w", err)
			u.failed(err)
			return "", err, true
		}
		have[sum] = seg
	}
	if len(missing) > 0 {
		if data, _, err = bundle.Assemble(head, lookup); err != nil {
			return "", nil, false
		}
	}
	u.mu.Lock()
	u.state.SegmentsFetched += len(missing)
	u.mu.Unlock()
	return u.take(ctx, data, resp.Header.Get("ETag"), true, len(missing)), nil, true
}

// hasETag tells whether a bundle pull asks with an ETag (If-None-Match):
// only then may the hub answer 304.
func (u *Uplink) hasETag() bool {
	tag, _ := u.etag.Load().(string)
	return tag != ""
}

// get fetches path from the hubs (send).
func (u *Uplink) get(ctx context.Context, path string, conditional bool) (*http.Response, error) {
	return u.send(ctx, http.MethodGet, path, nil, func(req *http.Request) {
		if tag, _ := u.etag.Load().(string); conditional && tag != "" {
			req.Header.Set("If-None-Match", tag)
		}
	})
}

// segment fetches one revocation segment and checks it is the one named.
func (u *Uplink) segment(ctx context.Context, path string, sum [32]byte) ([]byte, error) {
	resp, err := u.get(ctx, path, false)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, u.statusError(resp)
	}
	if resp.ContentLength > maxBundle {
		return nil, fmt.Errorf("segment %x: %d bytes offered, at most %d", sum[:8], resp.ContentLength, maxBundle)
	}
	seg, err := io.ReadAll(io.LimitReader(resp.Body, maxBundle))
	if err != nil {
		return nil, err
	}
	if sha256.Sum256(seg) != sum {
		return nil, fmt.Errorf("segment %x: content does not match its name", sum[:8])
	}
	return seg, nil
}

// take checks a downloaded bundle and switches to it when it passes.
// delta says it was assembled from the hub's head and the bundle in use,
// with segments fetched on their own.
func (u *Uplink) take(ctx context.Context, data []byte, etag string, delta bool, segments int) string {
	if etag == "" {
		etag = ETag(data)
	}
	current := u.trust.Load()
	b, err := bundle.Load(data, u.o.BundleKey, current, u.o.Now())
	switch {
	case errors.Is(err, bundle.ErrRollback) && current != nil && b == nil && etag == u.etag.Load():
		u.succeeded(true)
		return "unchanged"
	case errors.Is(err, bundle.ErrExpired) && b != nil:
		// Stale, but it passed every other check and is newer than ours:
		// better than what we hold. The screen shows its age.
	case err != nil:
		return u.refused(ctx, current, err).Error()
	}
	if u.o.BundlePath != "" {
		if werr := atomicfile.Write(u.o.BundlePath, data, 0o644); werr != nil {
			// The bundle is good; only keeping it failed. Use it anyway.
			werr = fmt.Errorf("keep bundle: %w", werr)
			u.failed(werr)
			u.o.Log.ErrorContext(ctx, "bundle not kept: a restart starts with the one kept before",
				"path", u.o.BundlePath, "sequence", b.Sequence(), "err", werr)
		}
	}
	u.use(b, etag)
	u.raw.Store(data)
	u.mu.Lock()
	u.state.BundleError = nil
	u.mu.Unlock()
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn // expired already
	}
	u.o.Log.Log(ctx, level, "bundle taken into use", "sequence", b.Sequence(),
		"previous", seq(current), "valid_until", b.ValidUntil(), "expired", err != nil,
		"delta", delta, "segments", segments)
	if u.o.OnBundle != nil {
		u.o.OnBundle(b)
	}
	u.succeeded(true)
	return fmt.Sprintf("updated to sequence %d", b.Sequence())
}

// refused records a bundle from the hub that failed its checks and returns
// the error State.BundleError now holds. The same refusal comes back with
// every pull until the hub serves another bundle, so only a new reason is
// logged at Warn.
func (u *Uplink) refused(ctx context.Context, current *bundle.Bundle, reason error) error {
	err := fmt.Errorf("bundle from the hub refused, keeping sequence %d: %w", seq(current), reason)
	u.mu.Lock()
	again := u.state.BundleError != nil && u.state.BundleError.Error() == err.Error()
	u.state.BundleError, u.state.Online, u.state.LastPull = err, true, u.o.Now()
	u.mu.Unlock()
	level := slog.LevelWarn
	if again {
		level = slog.LevelDebug
	}
	u.o.Log.Log(ctx, level, "bundle from the hub refused", "reason", reason, "kept_sequence", seq(current))
	return err
}

func seq(b *bundle.Bundle) uint64 {
	if b == nil {
		return 0
	}
	return b.Sequence()
}

// pushAll sends waiting entries in batches until none is left, the hub
// refuses a whole batch, or a request fails. It logs what the hub took and
// refused; a failure is the caller's to log.
func (u *Uplink) pushAll(ctx context.Context) (pushed int, rejected []entry.Reject, still int, err error) {
	ctx, cancel := context.WithTimeout(ctx, u.o.RoundTimeout)
	defer cancel()
	defer func() {
		u.mu.Lock()
		u.state.Pushed += pushed
		u.state.Rejected += len(rejected)
		u.mu.Unlock()
		u.countWaiting()
		u.logPush(ctx, pushed, rejected)
	}()
	refused := map[string]bool{} // in this round: not sent again
	for {
		es, err := u.reg.Pending(u.o.Batch + len(refused))
		if err != nil {
			err = fmt.Errorf("push: read register: %w", err)
			u.failed(err)
			return pushed, rejected, 0, err
		}
		es = slices.DeleteFunc(es, func(e entry.Entry) bool { return refused[e.ID] })
		es = es[:min(len(es), u.o.Batch)]
		if len(es) == 0 {
			u.succeeded(false)
			return pushed, rejected, len(refused), nil
		}
		ack, err := u.post(ctx, es)
		if err != nil {
			err = fmt.Errorf("push: %w", err)
			u.failed(err)
			return pushed, rejected, len(es), err
		}
		// Only what was sent counts: an id the kiosk did not send in this
		// batch, acknowledged or refused, is the hub's mistake and ignored.
		sent := make(map[string]bool, len(es))
		for _, e := range es {
			sent[e.ID] = true
		}
		ack.Acked = slices.DeleteFunc(ack.Acked, func(id string) bool { return !sent[id] })
		ack.Rejected = slices.DeleteFunc(ack.Rejected, func(r entry.Reject) bool { return !sent[r.ID] })
		if len(ack.Acked) > 0 {
			if err := u.reg.Ack(ack.Acked); err != nil {
				err = fmt.Errorf("push: mark acknowledged: %w", err)
				u.failed(err)
				return pushed, rejected, len(es), err
			}
		}
		pushed += len(ack.Acked)
		rejected = append(rejected, ack.Rejected...)
		for _, r := range ack.Rejected {
			// Refused entries stay in the register, never dropped, and
			// are reported; they are offered again next round.
			refused[r.ID] = true
		}
		if len(ack.Acked) == 0 && len(ack.Rejected) == 0 {
			err := errors.New("push: the hub acknowledged nothing and refused nothing")
			u.failed(err)
			return pushed, rejected, len(es), err
		}
	}
}

// logPush logs a push that moved something: each refused entry by its id
// with the hub's reason (nothing else of an entry is logged, it is
// personal), at Warn the first time the hub refuses that id and at Debug
// when the same entry, offered again, is refused again.
func (u *Uplink) logPush(ctx context.Context, pushed int, rejected []entry.Reject) {
	if pushed == 0 && len(rejected) == 0 {
		return
	}
	news := 0
	for _, r := range rejected {
		u.mu.Lock()
		again := u.warned[r.ID]
		u.warned[r.ID] = true
		u.mu.Unlock()
		level := slog.LevelWarn
		if again {
			level = slog.LevelDebug
		} else {
			news++
		}
		u.o.Log.Log(ctx, level, "entry refused by the hub", "id", r.ID, "reason", r.Error)
	}
	level := slog.LevelInfo
	if pushed == 0 && news == 0 {
		level = slog.LevelDebug
	}
	u.o.Log.Log(ctx, level, "pushed entries", "acked", pushed, "rejected", len(rejected))
}

func (u *Uplink) countWaiting() {
	c, ok := u.reg.(interface{ PendingCount() (int, error) })
	if !ok {
		return
	}
	if n, err := c.PendingCount(); err == nil {
		u.mu.Lock()
		u.state.Waiting = n
		u.mu.Unlock()
	}
}

func (u *Uplink) post(ctx context.Context, es []entry.Entry) (entry.Ack, error) {
	var ack entry.Ack
	body, err := json.Marshal(entry.Batch{Entries: es})
	if err != nil {
		return ack, err
	}
	resp, err := u.send(ctx, http.MethodPost, "/v1/entries", body, func(req *http.Request) {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+u.o.Token)
	})
	if err != nil {
		return ack, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ack, u.statusError(resp)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(&ack); err != nil {
		return ack, fmt.Errorf("read acknowledgement: %w", err)
	}
	return ack, nil
}

// statusError turns a failed answer into RetryAfterError (429, 503) or
// HTTPError.
func (u *Uplink) statusError(resp *http.Response) error {
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		return &RetryAfterError{Status: resp.StatusCode, After: retryAfter(resp.Header.Get("Retry-After"), u.o.Now())}
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return &HTTPError{Status: resp.StatusCode, Body: "a redirect to " + strconv.Quote(resp.Header.Get("Location")) + ", not followed"}
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return &HTTPError{Status: resp.StatusCode, Body: strings.TrimSpace(string(b))}
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
