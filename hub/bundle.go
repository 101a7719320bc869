package hub

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/passgate/passgate/bundle"
)

// prepared is the published bundle cut up for serving, made once per
// bundle: its ETag, gzipped form, head and segments.
type prepared struct {
	bundle *Bundle
	etag   string // strong: the SHA-256 of the bundle, quoted
	seq    string
	gz     []byte // nil when gzip does not make it smaller
	info   *bundle.Info
	// The parts for delta sync; err when the published bundle is not well
	// formed (a PutBundle that bypassed Publish), and then the full bundle
	// is still served as it is, for the kiosk to refuse.
	head, headGz []byte
	segs         map[[32]byte][]byte
	err          error
}

// current returns the published bundle, prepared; it prepares it again
// only when the store has another one.
func (s *Server) current(ctx context.Context) (*prepared, error) {
	b, err := s.store.CurrentBundle(ctx)
	if err != nil {
		return nil, err
	}
	if p := s.prepared.Load(); p != nil && p.bundle.SHA256 == b.SHA256 {
		return p, nil
	}
	s.prepMu.Lock()
	defer s.prepMu.Unlock()
	if p := s.prepared.Load(); p != nil && p.bundle.SHA256 == b.SHA256 {
		return p, nil
	}
	p := prepare(b)
	s.prepared.Store(p)
	if p.err != nil {
		s.log.Warn("published bundle is not well formed; served whole, no delta", "sequence", b.Sequence, "err", p.err)
	}
	return p, nil
}

func prepare(b *Bundle) *prepared {
	p := &prepared{
		bundle: b,
		etag:   `"` + hex.EncodeToString(b.SHA256[:]) + `"`,
		seq:    strconv.FormatUint(b.Sequence, 10),
		gz:     gzipIfSmaller(b.Data),
	}
	p.info, p.err = bundle.ReadInfo(b.Data)
	if p.err == nil {
		p.head, p.err = bundle.Head(b.Data)
	}
	if p.err == nil {
		p.segs, p.err = bundle.Segments(b.Data)
	}
	if p.err == nil {
		p.headGz = gzipIfSmaller(p.head)
	}
	return p
}

// gzipIfSmaller returns data gzipped, or nil when that saves less than a
// tenth (revocation segments are random hashes and do not compress).
func gzipIfSmaller(data []byte) []byte {
	level := gzip.DefaultCompression
	if len(data) > 16<<20 {
		level = gzip.BestSpeed // a big bundle is mostly segments
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, level) // the level is valid
	zw.Write(data)
	zw.Close()
	if buf.Len() > len(data)-len(data)/10 {
		return nil
	}
	return buf.Bytes()
}

// getBundle serves the whole published bundle.
func (s *Server) getBundle(w http.ResponseWriter, r *http.Request) {
	p, err := s.current(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.serveBytes(w, r, p, p.bundle.Data, p.gz, "full")
}

// getHead serves the bundle without its segments. Its ETag is the whole
// bundle's, so a kiosk needs one validator for both.
func (s *Server) getHead(w http.ResponseWriter, r *http.Request) {
	p, err := s.current(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if p.err != nil {
		s.writeError(w, r, fmt.Errorf("%w: the published bundle (sequence %d) has no head (%v): fetch /v1/bundle", ErrNotFound, p.bundle.Sequence, p.err))
		return
	}
	s.serveBytes(w, r, p, p.head, p.headGz, "head")
}

// getSegment serves one revocation segment of the published bundle by its
// SHA-256. A segment's content never changes under its name, so it may be
// cached for good.
func (s *Server) getSegment(w http.ResponseWriter, r *http.Request) {
	var sum [32]byte
	name := r.PathValue("sum")
	if len(name) != 2*len(sum) {
		s.writeError(w, r, fmt.Errorf("%w: segment name must be 64 hex digits (its SHA-256)", ErrInvalid))
		return
	}
	if _, err := hex.Decode(sum[:], []byte(name)); err != nil {
		s.writeError(w, r, fmt.Errorf("%w: segment name must be 64 hex digits (its SHA-256)", ErrInvalid))
		return
	}
	p, err := s.current(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	seg, ok := p.segs[sum]
	if !ok {
		s.writeError(w, r, fmt.Errorf("%w: segment %x is not in the published bundle (sequence %d)", ErrNotFound, sum[:8], p.bundle.Sequence))
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	h.Set("ETag", etag)
	h.Set("Content-Type", "application/octet-stream")
	if notModified(r, etag) {
		s.m.notModified.Inc()
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.m.bundleFetches.WithLabelValues("segment").Inc()
	oneRange(r)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(seg))
}

// oneRange drops a Range header that asks for more than one range, so
// the whole content is served (200), as RFC 9110 lets a server do. A
// kiosk resumes a download with one range; tens of thousands in one
// request would be a multipart reply costing far more than the bytes.
func oneRange(r *http.Request) {
	if v := r.Header.Values("Range"); len(v) > 1 || (len(v) == 1 && strings.Contains(v[0], ",")) {
		r.Header.Del("Range")
	}
}

// serveBytes answers a bundle or head request: 304 when the client has it,
// gzip when it takes it and it helps, ranges (to resume a download) on the
// plain bytes (one range a request: see oneRange).
func (s *Server) serveBytes(w http.ResponseWriter, r *http.Request, p *prepared, plain, gz []byte, part string) {
	h := w.Header()
	h.Set("ETag", p.etag)
	h.Set("X-Bundle-Sequence", p.seq)
	h.Set("Cache-Control", "no-cache")
	h.Set("Last-Modified", p.bundle.Published.UTC().Format(http.TimeFormat))
	h.Add("Vary", "Accept-Encoding")
	if notModified(r, p.etag) {
		s.m.notModified.Inc()
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.m.bundleFetches.WithLabelValues(part).Inc()
	oneRange(r)
	body := plain
	if gz != nil && r.Header.Get("Range") == "" && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = gz
	}
	h.Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// notModified tells whether If-None-Match names etag (or is "*"). Weak
// comparison, as RFC 9110 wants for If-None-Match.
func notModified(r *http.Request, etag string) bool {
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	for t := range strings.SplitSeq(inm, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// acceptsGzip tells whether Accept-Encoding allows gzip (and not at q=0).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for c := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(c), ";")
			if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
				continue
			}
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
