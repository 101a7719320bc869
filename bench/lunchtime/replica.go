package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// passhub is the hub's binary, run as child processes.
type passhub struct {
	bin   string
	store string // the PostgreSQL URL every command and replica is given
}

// build compiles ./cmd/passhub of the module this program runs in into
// dir, so the replicas are the binary as shipped.
func build(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("build passhub: not inside the passgate module (go env GOMOD: %q, %v): run from the repository", mod, err)
	}
	bin := filepath.Join(dir, "passhub")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/passhub")
	cmd.Dir = filepath.Dir(mod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/passhub: %w\n%s", err, out)
	}
	return bin, nil
}

// run runs one admin command and returns what it printed on stdout.
func (p *passhub) run(ctx context.Context, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, p.bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=")
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("passhub %s: %w: %s", strings.Join(redactArgs(args), " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// redactArgs shows a command line without the store's URL (its password,
// if it has one).
func redactArgs(args []string) []string {
	out := append([]string(nil), args...)
	for i := range out {
		if i > 0 && out[i-1] == "--store" {
			out[i] = "URL"
		}
	}
	return out
}

// freeAddr picks a free loopback port. A replica restarted after a kill
// gets the same one: its proxy keeps pointing there.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// replica is one `passhub serve --store URL` process, which can be killed
// and started again on the same address.
type replica struct {
	name string
	addr string
	log  string // its stderr and stdout, appended across restarts
	hub  *passhub

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	starts int
}

// errExited is a replica that exited at start: passhub serve does when it
// cannot reach its database.
var errExited = errors.New("exited at start")

// start starts the process and waits until it answers HTTP.
func (r *replica) start(ctx context.Context) error {
	f, err := os.OpenFile(r.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.Command(r.hub.bin, "serve", "--store", r.hub.store, "--addr", r.addr)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=")
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("replica %s: %w", r.name, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	r.mu.Lock()
	r.cmd, r.exited = cmd, exited
	r.starts++
	r.mu.Unlock()
	c := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(60 * time.Second); ; {
		select {
		case <-exited:
			return fmt.Errorf("replica %s %w (%s): see %s", r.name, errExited, cmd.ProcessState, r.log)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if resp, err := c.Get("http://" + r.addr + "/healthz"); err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("replica %s does not answer on %s a minute after start: see %s", r.name, r.addr, r.log)
		}
	}
}

// kill sends SIGKILL and waits until the process is gone.
func (r *replica) kill() error {
	r.mu.Lock()
	cmd, exited := r.cmd, r.exited
	r.mu.Unlock()
	if cmd == nil {
		return fmt.Errorf("replica %s is not running", r.name)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill replica %s: %w", r.name, err)
	}
	<-exited
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		return fmt.Errorf("replica %s ended by %s, not by the SIGKILL", r.name, cmd.ProcessState)
	}
	return nil
}

// stop asks the process to stop (SIGTERM), and kills it if it has not in
// 15 s.
func (r *replica) stop() error {
	r.mu.Lock()
	cmd, exited := r.cmd, r.exited
	r.mu.Unlock()
	if cmd == nil {
		return nil
	}
	select {
	case <-exited:
		return fmt.Errorf("replica %s had exited (%s): see %s", r.name, cmd.ProcessState, r.log)
	default:
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		return nil
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-exited
		return errors.New("replica " + r.name + " did not stop in 15 s after SIGTERM: killed")
	}
}
