package hub

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// statusOf maps the hub's error kinds to HTTP status codes: the one place
// that decides what a client is told. An error of no kind here is a 500,
// and its detail goes to the log, not to the client.
var statusOf = []struct {
	kind   error
	status int
}{
	{ErrInvalid, http.StatusBadRequest},
	{ErrUnauthorized, http.StatusUnauthorized},
	{ErrForbidden, http.StatusForbidden},
	{ErrNotFound, http.StatusNotFound},
	{ErrExists, http.StatusConflict},
	{ErrTooLarge, http.StatusRequestEntityTooLarge},
	{ErrOverloaded, http.StatusServiceUnavailable},
	{ErrUnavailable, http.StatusServiceUnavailable},
	{ErrTooSlow, http.StatusRequestTimeout},
	{ErrTooMany, http.StatusTooManyRequests},
}

// Errors of the server's limits (the others are in store.go).
var (
	// ErrTooSlow: a client sent its body, or took the reply, slower than
	// the server's minimum rate, and was cut off.
	ErrTooSlow = errors.New("too slow")
	// ErrTooMany: a kiosk token has as many requests in flight as it may;
	// retry after the time the response names.
	ErrTooMany = errors.New("too many requests of one token")
)

// StatusClientClosed is the status counted for a request whose client left
// before it was answered (nginx's 499); no client sees it.
const StatusClientClosed = 499

// errorStatus is the status for err: its kind's, else 500.
func errorStatus(err error) int {
	for _, k := range statusOf {
		if errors.Is(err, k.kind) {
			return k.status
		}
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error string `json:"error"`
}

// writeError answers with err's status and, for a known kind, its message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := errorStatus(err)
	msg := err.Error()
	if status == http.StatusInternalServerError && r.Context().Err() != nil && errors.Is(err, r.Context().Err()) {
		// The client gave up (a kiosk's timeout, a stalled network): nobody
		// reads the answer, and it is no fault of the hub's. 499, as nginx
		// counts it, so the hub's 500s stay its own.
		s.log.Debug("request abandoned by the client", "method", r.Method, "path", r.URL.Path, "err", err)
		status, msg = StatusClientClosed, "client closed the request"
	} else if status == http.StatusInternalServerError {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "internal error"
	} else {
		s.log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="passhub"`)
	}
	if (status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests) && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", fmt.Sprint(int64((s.opts.RetryAfter+time.Second-1)/time.Second)))
	}
	writeJSON(w, status, errorBody{Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // an error means the client left: nobody to tell
}

// discardLogger is the logger of a server given none.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
