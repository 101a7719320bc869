package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeConfig writes a configuration file with mode 0600 and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "passhub.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConfigStore: an admin command finds the store in the file's [store],
// from --config or $PASSHUB_CONFIG, and a flag given wins over the file.
func TestConfigStore(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, "[store]\ndata = \""+dir+"\"\n\n[serve]\naddr = \"127.0.0.1:0\"\n")
	if code, _, errOut := passhub(t, "kiosk", "add", "--config", cfg, "--venue", "venue-1", "--kiosk", "kiosk-1"); code != 0 {
		t.Fatalf("kiosk add --config: %d %s", code, errOut)
	}
	code, out, errOut := passhubIn(t, t0, map[string]string{"PASSHUB_CONFIG": cfg}, "kiosk", "list")
	if code != 0 || !strings.Contains(out, "kiosk-1") {
		t.Errorf("kiosk list with $PASSHUB_CONFIG: %d %s %s", code, out, errOut)
	}
	other := t.TempDir()
	if code, out, errOut := passhub(t, "kiosk", "list", "--config", cfg, "--data", other); code != 0 || strings.Contains(out, "kiosk-1") {
		t.Errorf("kiosk list --data over the file: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(other, "hub.db")); err != nil {
		t.Errorf("--data given: its directory was not used: %v", err)
	}
}

// TestConfigServe: serve takes its flags from the file's [serve] and its
// store from [store]; flags given win.
func TestConfigServe(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, `[store]
data = "`+dir+`"

[serve]
addr = "127.0.0.1:1"
max_inflight = 3
retention_days = 0
retry_after = "7s"
`)
	m := NewMain(&env{stderr: new(lockedBuffer), now: time.Now, getenv: func(string) string { return "" }}, english(t))
	c := &cli{env: &env{stdout: new(lockedBuffer), stderr: new(lockedBuffer), now: time.Now, getenv: func(string) string { return "" }}, cat: english(t)}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	at := c.serveFlags(fs, m)
	if err := fs.Parse([]string{"--addr", "127.0.0.1:0", "--config", cfg}); err != nil {
		t.Fatal(err)
	}
	if err := at.check(c.cat); err != nil {
		t.Fatal(err)
	}
	if m.Addr != "127.0.0.1:0" || m.MaxInFlight != 3 || m.RetentionDays != 0 || m.RetryAfter != 7*time.Second || m.DataDir != dir {
		t.Errorf("after the file: addr %s, max in flight %d, retention %d, retry after %s, data %s", m.Addr, m.MaxInFlight, m.RetentionDays, m.RetryAfter, m.DataDir)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !strings.HasPrefix(m.Server.URL(), "http://127.0.0.1:") || strings.HasSuffix(m.Server.URL(), ":1") {
		t.Errorf("serving on %s", m.Server.URL())
	}
}

// TestConfigErrors: a file that cannot be used is refused with its name,
// and the line or the key at fault.
func TestConfigErrors(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"syntax", "[store]\ndata = \n", "line 2"},
		{"table", "[stor]\ndata = \"x\"\n", "unknown table [stor]"},
		{"store key", "[store]\ndir = \"x\"\n", "unknown key store.dir"},
		{"serve key", "[serve]\nport = 8080\n", "unknown key serve.port"},
		{"serve store", "[serve]\nstore = \"postgres:///x\"\n", "unknown key serve.store"},
		{"value", "[serve]\nmax_inflight = \"many\"\n", "serve.max_inflight"},
		{"both", "[store]\ndata = \"x\"\nurl = \"postgres:///x\"\n", "both url and data"},
		{"not postgres", "[store]\nurl = \"mysql://x\"\n", "mysql://x"},
		{"top-level key", "data = \"x\"\n", "[store] and [serve]"},
	} {
		cfg := writeConfig(t, c.text)
		code, _, errOut := passhub(t, "serve", "--config", cfg)
		if code != 2 || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, cfg) && c.name != "not postgres" {
			t.Errorf("%s: %d %s, want exit 2 naming %s and %q", c.name, code, errOut, cfg, c.want)
		}
	}
	if code, _, errOut := passhub(t, "kiosk", "list", "--config", filepath.Join(t.TempDir(), "none.toml")); code != 1 || !strings.Contains(errOut, "none.toml") {
		t.Errorf("a missing file: %d %s", code, errOut)
	}
	cfg := writeConfig(t, "[store]\nurl = \"postgres://hub:secret@db/passhub\"\n")
	os.Chmod(cfg, 0o644)
	if code, _, errOut := passhub(t, "kiosk", "list", "--config", cfg); code != 2 || !strings.Contains(errOut, "chmod 600") || strings.Contains(errOut, "secret") {
		t.Errorf("a password readable by others: %d %s", code, errOut)
	}
}
