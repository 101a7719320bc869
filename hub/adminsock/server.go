// Package adminsock lets the admin commands reach the store of a running
// hub. A bbolt store is held by one process, `passhub serve`; while it runs,
// `passhub kiosk add`, `bundle publish`, `entries export` and the others
// cannot open the file. So the server listens on a Unix socket in the data
// directory (File, mode 0600, the directory 0700) and serves its store's
// methods there, and Dial gives the admin command a hub.Store that calls
// them: the command runs as it would on the file, reading and writing its
// own files, and the store behaves the same (hub's contract suite runs on
// it).
//
// Only the hub's own user (or root) may connect: the socket's mode says so
// and, on Linux, the peer's credentials are checked as well.
package adminsock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// File is the socket's name in the data directory.
const File = "admin.sock"

// maxArgs caps a call's arguments: a bundle to publish is the largest.
const maxArgs = 1 << 30

// Store is what the socket serves: all of a hub's store.
type Store interface {
	hub.Store
	hub.UserStore
}

// Server serves a store on a Unix socket.
type Server struct {
	path string
	ln   net.Listener
	srv  *http.Server
	done chan struct{}
}

// Listen serves st on a socket at path. Whoever calls it must hold the
// store (the bbolt lock), so a socket left at path by a hub that crashed is
// stale and replaced. The socket is made under a temporary name, given mode
// 0600 and then renamed, so it is never reachable with a wider mode.
func Listen(path string, st Store, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.%d", filepath.Base(path), os.Getpid()))
	os.Remove(tmp)
	ln, err := net.Listen("unix", tmp)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		ln.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		ln.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	s := &Server{path: path, ln: peerChecked(ln), done: make(chan struct{})}
	s.srv = &http.Server{
		Handler:           handler(st, log),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin socket", "err", err)
		}
	}()
	return s, nil
}

// Path is where the socket is.
func (s *Server) Path() string { return s.path }

// Close stops serving, lets calls in flight finish for up to 5 s, and
// removes the socket.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		s.srv.Close()
	}
	<-s.done
	os.Remove(s.path)
	return err
}

// handler serves each method of hub.Store at POST /v1/NAME: its arguments
// a JSON object in the body, its result a JSON value, or an error (see
// wireError). The two methods that call back, ExportEntries and
// QueryEntries, answer a stream of lines instead (see line).
func handler(st Store, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	call(mux, log, "PutEntries", func(ctx context.Context, a putArgs) (hub.PutResult, error) {
		return st.PutEntries(ctx, a.Kiosk, a.Entries)
	})
	call(mux, log, "PurgeEntries", func(ctx context.Context, a timeArgs) (int, error) {
		return st.PurgeEntries(ctx, a.Time)
	})
	call(mux, log, "AddKiosk", func(ctx context.Context, a kioskArgs) (string, error) {
		return st.AddKiosk(ctx, a.Venue, a.Kiosk)
	})
	call(mux, log, "Kiosks", func(ctx context.Context, _ struct{}) ([]hub.Kiosk, error) {
		return st.Kiosks(ctx)
	})
	call(mux, log, "RevokeKiosk", func(ctx context.Context, a kioskArgs) (struct{}, error) {
		return struct{}{}, st.RevokeKiosk(ctx, a.Kiosk)
	})
	call(mux, log, "Authenticate", func(ctx context.Context, a tokenArgs) (hub.Kiosk, error) {
		return st.Authenticate(ctx, a.Token)
	})
	call(mux, log, "PutBundle", func(ctx context.Context, a bundleArgs) (struct{}, error) {
		return struct{}{}, st.PutBundle(ctx, a.Data, a.Sequence)
	})
	call(mux, log, "CurrentBundle", func(ctx context.Context, _ struct{}) (*hub.Bundle, error) {
		return st.CurrentBundle(ctx)
	})
	call(mux, log, "PutStatus", func(ctx context.Context, a hub.KioskStatus) (struct{}, error) {
		return struct{}{}, st.PutStatus(ctx, a)
	})
	call(mux, log, "Statuses", func(ctx context.Context, _ struct{}) ([]hub.KioskStatus, error) {
		return st.Statuses(ctx)
	})
	call(mux, log, "AddAuthority", func(ctx context.Context, a nameArgs) (string, error) {
		return st.AddAuthority(ctx, a.Name)
	})
	call(mux, log, "Authorities", func(ctx context.Context, _ struct{}) ([]hub.Authority, error) {
		return st.Authorities(ctx)
	})
	call(mux, log, "RevokeAuthority", func(ctx context.Context, a nameArgs) (struct{}, error) {
		return struct{}{}, st.RevokeAuthority(ctx, a.Name)
	})
	call(mux, log, "AuthenticateAuthority", func(ctx context.Context, a tokenArgs) (hub.Authority, error) {
		return st.AuthenticateAuthority(ctx, a.Token)
	})
	call(mux, log, "HourlyCounts", func(ctx context.Context, a countArgs) ([]hub.HourCount, error) {
		return st.HourlyCounts(ctx, a.Venue, a.From, a.To)
	})
	call(mux, log, "AddUser", func(ctx context.Context, a userArgs) (struct{}, error) {
		return struct{}{}, st.AddUser(ctx, a.Name, a.Role, a.Password)
	})
	call(mux, log, "Users", func(ctx context.Context, _ struct{}) ([]hub.User, error) {
		return st.Users(ctx)
	})
	call(mux, log, "RemoveUser", func(ctx context.Context, a nameArgs) (struct{}, error) {
		return struct{}{}, st.RemoveUser(ctx, a.Name)
	})
	call(mux, log, "CheckPassword", func(ctx context.Context, a userArgs) (hub.User, error) {
		return st.CheckPassword(ctx, a.Name, a.Password)
	})
	call(mux, log, "NewSession", func(ctx context.Context, a sessionArgs) (string, error) {
		return st.NewSession(ctx, a.Name, a.Expires)
	})
	call(mux, log, "Session", func(ctx context.Context, a tokenArgs) (sessionReply, error) {
		u, exp, err := st.Session(ctx, a.Token)
		return sessionReply{User: u, Expires: exp}, err
	})
	call(mux, log, "EndSession", func(ctx context.Context, a tokenArgs) (struct{}, error) {
		return struct{}{}, st.EndSession(ctx, a.Token)
	})
	stream(mux, log, "QueryEntries", func(ctx context.Context, a hub.Query, fn func(entry.Entry) error) error {
		return st.QueryEntries(ctx, a, fn)
	})
	stream(mux, log, "ExportEntries", func(ctx context.Context, a timeArgs, fn func(entry.Entry) error) error {
		return st.ExportEntries(ctx, a.Time, fn)
	})
	return mux
}

// The arguments of the methods, as they travel.
type (
	putArgs struct {
		Kiosk   hub.Kiosk     `json:"kiosk"`
		Entries []entry.Entry `json:"entries"`
	}
	timeArgs struct {
		Time time.Time `json:"time"`
	}
	kioskArgs struct {
		Venue string `json:"venue,omitempty"`
		Kiosk string `json:"kiosk"`
	}
	tokenArgs struct {
		Token string `json:"token"`
	}
	nameArgs struct {
		Name string `json:"name"`
	}
	countArgs struct {
		Venue string    `json:"venue"`
		From  time.Time `json:"from"`
		To    time.Time `json:"to"`
	}
	userArgs struct {
		Name     string   `json:"name"`
		Role     hub.Role `json:"role,omitempty"`
		Password string   `json:"password"`
	}
	sessionArgs struct {
		Name    string    `json:"name"`
		Expires time.Time `json:"expires"`
	}
	sessionReply struct {
		User    hub.User  `json:"user"`
		Expires time.Time `json:"expires"`
	}
	bundleArgs struct {
		Data     []byte `json:"data"`
		Sequence uint64 `json:"sequence"`
	}
)

// call serves one method that returns a value.
func call[A, R any](mux *http.ServeMux, log *slog.Logger, name string, fn func(context.Context, A) (R, error)) {
	mux.HandleFunc("POST /v1/"+name, func(w http.ResponseWriter, r *http.Request) {
		var a A
		if err := readArgs(r, &a); err != nil {
			writeReply(w, log, name, http.StatusBadRequest, reply{Error: toWire(err)})
			return
		}
		res, err := fn(r.Context(), a)
		if err != nil {
			writeReply(w, log, name, http.StatusOK, reply{Error: toWire(err)})
			return
		}
		body, err := json.Marshal(res)
		if err != nil {
			writeReply(w, log, name, http.StatusOK, reply{Error: toWire(err)})
			return
		}
		writeReply(w, log, name, http.StatusOK, reply{Result: body})
	})
}

// stream serves one method that calls back: a line per entry, then a last
// line that says the stream is whole (End) or why it stopped (Error).
func stream[A any](mux *http.ServeMux, log *slog.Logger, name string, fn func(context.Context, A, func(entry.Entry) error) error) {
	mux.HandleFunc("POST /v1/"+name, func(w http.ResponseWriter, r *http.Request) {
		var a A
		if err := readArgs(r, &a); err != nil {
			writeReply(w, log, name, http.StatusBadRequest, reply{Error: toWire(err)})
			return
		}
		w.Header().Set("Content-Type", "application/jsonl")
		enc := json.NewEncoder(w)
		err := fn(r.Context(), a, func(e entry.Entry) error { return enc.Encode(line{Entry: &e}) })
		last := line{End: true}
		if err != nil {
			last = line{Error: toWire(err)}
		}
		if err := enc.Encode(last); err != nil {
			log.Debug("admin socket: caller left", "method", name, "err", err)
		}
	})
}

func readArgs(r *http.Request, a any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxArgs))
	dec.DisallowUnknownFields()
	if err := dec.Decode(a); err != nil {
		return fmt.Errorf("%w: arguments: %v", hub.ErrInvalid, err)
	}
	return nil
}

// reply is the body of a call's answer: a result or an error.
type reply struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  *wireError      `json:"error,omitempty"`
}

// line is one line of a stream.
type line struct {
	Entry *entry.Entry `json:"entry,omitempty"`
	End   bool         `json:"end,omitempty"`
	Error *wireError   `json:"error,omitempty"`
}

func writeReply(w http.ResponseWriter, log *slog.Logger, name string, status int, rep reply) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(rep); err != nil {
		log.Debug("admin socket: caller left", "method", name, "err", err)
	}
}
