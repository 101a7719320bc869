package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/i18n"
)

// t0 is lunchtime on 13 December 2021 in Seoul.
var t0 = time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)

// lockedBuffer is an output stream a serving goroutine and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// passhub runs a command in-process at t0 and returns its exit status and
// outputs.
func passhub(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return passhubAt(t, t0, args...)
}

func passhubAt(t *testing.T, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	return passhubIn(t, now, nil, args...)
}

// passhubIn runs a command at now with the environment variables environ
// (the locale).
func passhubIn(t *testing.T, now time.Time, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut lockedBuffer
	e := &env{stdout: &out, stderr: &errOut, now: func() time.Time { return now }, getenv: func(k string) string { return environ[k] }}
	code := run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

// english is the English catalog, for a Main built directly.
func english(t testing.TB) *i18n.Catalog {
	t.Helper()
	c, err := i18n.New("en")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, out, _ := passhub(t, args...)
		if code != 0 || !strings.Contains(out, "Usage: passhub COMMAND [flags]") || !strings.Contains(out, "kiosk revoke") {
			t.Errorf("%v: %d %s", args, code, out)
		}
	}
	code, out, _ := passhub(t, "entries", "export", "--help")
	if code != 0 || !strings.Contains(out, "-since") || !strings.Contains(out, "jsonl") {
		t.Errorf("entries export --help: %d %s", code, out)
	}
	if code, _, errOut := passhub(t, "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %s", code, errOut)
	}
	if code, _, errOut := passhub(t, "kiosk"); code != 2 || !strings.Contains(errOut, "kiosk add|list|revoke") {
		t.Errorf("kiosk alone: %d %s", code, errOut)
	}
	if code, _, errOut := passhub(t, "kiosk", "add", "--venue", "v"); code != 2 || !strings.Contains(errOut, "--venue and --kiosk are required") {
		t.Errorf("kiosk add without --kiosk: %d %s", code, errOut)
	}
}

func TestDefaults(t *testing.T) {
	e := &env{stderr: io.Discard, now: time.Now, getenv: func(k string) string {
		return map[string]string{"XDG_STATE_HOME": "/var/state", "HOME": "/home/op"}[k]
	}}
	m := NewMain(e, english(t))
	if m.Addr != "127.0.0.1:8080" || m.DataDir != "/var/state/passhub" || m.MaxInFlight != 64 {
		t.Errorf("defaults: %+v", m)
	}
	e.getenv = func(k string) string { return map[string]string{"HOME": "/home/op"}[k] }
	if got := defaultDataDir(e); got != "/home/op/.local/state/passhub" {
		t.Errorf("without XDG_STATE_HOME: %s", got)
	}
}

func TestKioskCommands(t *testing.T) {
	dir := t.TempDir()
	code, token, errOut := passhub(t, "kiosk", "add", "--data", dir, "--venue", "venue-1", "--kiosk", "kiosk-1")
	token = strings.TrimSpace(token)
	if code != 0 || len(token) != 43 || !strings.Contains(errOut, "shown this once") {
		t.Fatalf("kiosk add: %d %q %s", code, token, errOut)
	}
	if code, _, errOut := passhub(t, "kiosk", "add", "--data", dir, "--venue", "venue-1", "--kiosk", "kiosk-1"); code != 1 || !strings.Contains(errOut, "revoke it first") {
		t.Errorf("kiosk add twice: %d %s", code, errOut)
	}
	code, out, _ := passhub(t, "kiosk", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "kiosk-1  venue-1  2021-12-13T03:00:00Z  active") {
		t.Errorf("kiosk list:\n%s", out)
	}
	if code, out, _ := passhub(t, "kiosk", "revoke", "--data", dir, "--kiosk", "kiosk-1"); code != 0 || !strings.Contains(out, "revoked") {
		t.Errorf("kiosk revoke: %d %s", code, out)
	}
	if _, out, _ := passhub(t, "kiosk", "list", "--data", dir); !strings.Contains(out, "revoked 2021-12-13T03:00:00Z") {
		t.Errorf("kiosk list after revoke:\n%s", out)
	}
	if code, _, errOut := passhub(t, "kiosk", "revoke", "--data", dir, "--kiosk", "kiosk-9"); code != 1 || !strings.Contains(errOut, `no kiosk "kiosk-9"`) {
		t.Errorf("revoke unknown: %d %s", code, errOut)
	}
	st, err := hub.OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Authenticate(context.Background(), token); err == nil {
		t.Error("the revoked token still authenticates")
	}
}

func TestBundlePublish(t *testing.T) {
	dir := t.TempDir()
	key := "../../testdata/keys/bundle.pub"
	bundle := "../../testdata/bundle.bin"
	// A week after t0 the fixture has expired: published, with a warning.
	code, out, errOut := passhubAt(t, t0.AddDate(0, 0, 7), "bundle", "publish", "--data", dir, "--bundle-key", key, bundle)
	if code != 0 || !strings.Contains(out, "sequence 1, ") || !strings.Contains(out, " bytes, 3 issuer keys, 3 revocations in 3 segments") || !strings.Contains(errOut, "EXPIRED") {
		t.Fatalf("publish: %d %s %s", code, out, errOut)
	}
	code, _, errOut = passhub(t, "bundle", "publish", "--data", dir, "--bundle-key", key, bundle)
	if code != 1 || !strings.Contains(errOut, "its sequence is 1, the published bundle's is 1") || !strings.Contains(errOut, "-seq 2") {
		t.Errorf("publish again: %d %s", code, errOut)
	}
	other := "MCowBQYDK2VwAyEAA6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=" // another Ed25519 key, base64 PKIX
	if code, _, errOut := passhub(t, "bundle", "publish", "--data", dir, "--bundle-key", other, bundle); code != 1 || !strings.Contains(errOut, "signature does not verify") {
		t.Errorf("publish with another key: %d %s", code, errOut)
	}
	data, _ := os.ReadFile(bundle)
	cut := filepath.Join(t.TempDir(), "cut.bin")
	os.WriteFile(cut, data[:100], 0o600)
	if code, _, errOut := passhub(t, "bundle", "publish", "--data", dir, "--bundle-key", key, cut); code != 1 || !strings.Contains(errOut, "truncated") {
		t.Errorf("publish truncated: %d %s", code, errOut)
	}
	if code, _, errOut := passhub(t, "bundle", "publish", "--data", dir, "--bundle-key", "nokey.pem", bundle); code != 1 || !strings.Contains(errOut, "neither a key file") {
		t.Errorf("publish with a missing key file: %d %s", code, errOut)
	}
	if code, _, _ := passhub(t, "bundle", "publish", "--data", dir, bundle); code != 2 {
		t.Errorf("publish without --bundle-key: %d", code)
	}
}

func TestExportPurge(t *testing.T) {
	dir := t.TempDir()
	st, err := hub.OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := entry.NewIDs(mrand.NewChaCha8([32]byte{1}))
	var es []entry.Entry
	for d := range 40 { // one entry a day for 40 days up to t0
		at := t0.AddDate(0, 0, d-39)
		id, _ := ids.New(at)
		es = append(es, entry.Entry{ID: id, Time: at, Venue: "venue-1", Kiosk: "kiosk-1", Method: entry.Camera, Outcome: entry.Admitted})
	}
	if _, err := st.PutEntries(context.Background(), hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}, es); err != nil {
		t.Fatal(err)
	}
	st.Close()

	code, out, errOut := passhub(t, "entries", "export", "--data", dir, "--since", "2021-12-10")
	if code != 0 || strings.Count(out, "\n") != 4 || !strings.Contains(errOut, "Exported 4 entries") {
		t.Fatalf("export jsonl: %d %s %s", code, out, errOut)
	}
	var first entry.Entry
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &first); err != nil || first.ID != es[36].ID {
		t.Errorf("first exported %s (%v), want %s", first.ID, err, es[36].ID)
	}
	file := filepath.Join(t.TempDir(), "out.csv")
	if code, _, errOut := passhub(t, "entries", "export", "--data", dir, "--since", "2021-12-13T00:00:00+09:00", "--format", "csv", "--out", file); code != 0 {
		t.Fatalf("export csv: %d %s", code, errOut)
	}
	csv, _ := os.ReadFile(file)
	if lines := strings.Split(strings.TrimSpace(string(csv)), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "id,time,") {
		t.Errorf("csv:\n%s", csv)
	}
	if code, _, errOut := passhub(t, "entries", "export", "--data", dir, "--since", "2021-12-13", "--out", file); code != 1 || !strings.Contains(errOut, "never overwritten") {
		t.Errorf("export over a file: %d %s", code, errOut)
	}
	for _, args := range [][]string{{"--since", "yesterday"}, {"--since", "2021-12-13", "--format", "xml"}, {}} {
		if code, _, _ := passhub(t, append([]string{"entries", "export", "--data", dir}, args...)...); code != 2 {
			t.Errorf("export %v: %d, want 2", args, code)
		}
	}

	code, out, _ = passhub(t, "purge", "--data", dir)
	if code != 0 || !strings.Contains(out, "Deleted 11 entries recorded before 2021-11-15T03:00:00Z") {
		t.Errorf("purge: %d %s", code, out)
	}
	if code, out, _ := passhub(t, "purge", "--data", dir, "--days", "2"); code != 0 || !strings.Contains(out, "Deleted 26 entries") {
		t.Errorf("purge --days 2: %d %s", code, out)
	}
	if code, _, _ := passhub(t, "purge", "--data", dir, "--days", "0"); code != 2 {
		t.Errorf("purge --days 0: %d", code)
	}
}

// TestServe runs the hub as `passhub serve` does, on a free port: admin
// commands work while it runs, through its admin socket, and on the data
// directory once it is stopped.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	var out, errOut lockedBuffer
	e := &env{stdout: &out, stderr: &errOut, now: time.Now, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, e, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--max-inflight", "8"})
	}()
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == ""; {
		if _, after, ok := strings.Cut(errOut.String(), "serving on "); ok {
			url, _, _ = strings.Cut(after, ",")
		} else if time.Now().After(deadline) {
			t.Fatalf("not serving: %s", errOut.String())
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	resp.Body.Close()
	code, token, stderr := passhub(t, "kiosk", "add", "--data", dir, "--venue", "venue-1", "--kiosk", "kiosk-1")
	if code != 0 || len(strings.TrimSpace(token)) != 43 {
		t.Fatalf("kiosk add while serving: %d %q %s", code, token, stderr)
	}
	// The running hub knows the kiosk at once: it was added to its store.
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/entries", strings.NewReader(`{"entries":[]}`))
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized {
		t.Errorf("a push with the token of a kiosk added while serving: %s", resp.Status)
	}
	if code, out, stderr := passhub(t, "kiosk", "list", "--data", dir); code != 0 || !strings.Contains(out, "kiosk-1") {
		t.Errorf("kiosk list while serving: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := passhub(t, "kiosk", "revoke", "--data", dir, "--kiosk", "kiosk-1"); code != 0 {
		t.Errorf("kiosk revoke while serving: %d %s", code, stderr)
	}
	if code, _, stderr := passhub(t, "kiosk", "revoke", "--data", dir, "--kiosk", "kiosk-9"); code != 1 || !strings.Contains(stderr, "kiosk-9") {
		t.Errorf("kiosk revoke of an unknown kiosk while serving: %d %s", code, stderr)
	}
	if code, _, stderr := passhub(t, "entries", "export", "--data", dir, "--since", "2021-12-01"); code != 0 {
		t.Errorf("entries export while serving: %d %s", code, stderr)
	}
	// A second hub on the same directory is refused.
	if code, _, stderr := passhub(t, "serve", "--addr", "127.0.0.1:0", "--data", dir); code != 1 || !strings.Contains(stderr, "another passhub serve") {
		t.Errorf("a second serve: %d %s", code, stderr)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d: %s", code, errOut.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "admin.sock")); !os.IsNotExist(err) {
		t.Errorf("admin socket left after the hub stopped: %v", err)
	}
	if code, out, stderr := passhub(t, "kiosk", "list", "--data", dir); code != 0 || !strings.Contains(out, "revoked") {
		t.Errorf("admin command after the hub stopped: %d %s %s", code, out, stderr)
	}
}

func TestServeRefusesPlainHTTPOffLoopback(t *testing.T) {
	for _, addr := range []string{":8443", "0.0.0.0:0", "192.0.2.1:80", "hub.example:80"} {
		code, _, errOut := passhub(t, "serve", "--addr", addr, "--data", t.TempDir())
		if code != 2 || !strings.Contains(errOut, "--tls-cert and --tls-key") {
			t.Errorf("%s: %d %s", addr, code, errOut)
		}
	}
	if code, _, errOut := passhub(t, "serve", "--tls-cert", "x.pem", "--data", t.TempDir()); code != 2 || !strings.Contains(errOut, "both") {
		t.Errorf("--tls-cert alone: %d %s", code, errOut)
	}
}

// TestServeTLS: with a certificate the hub speaks HTTPS.
func TestServeTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	m := NewMain(&env{stderr: io.Discard, now: time.Now, getenv: func(string) string { return "" }}, english(t))
	m.Addr, m.DataDir, m.TLSCert, m.TLSKey = "127.0.0.1:0", t.TempDir(), certFile, keyFile
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !strings.HasPrefix(m.Server.URL(), "https://") {
		t.Fatalf("URL %s", m.Server.URL())
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer c.CloseIdleConnections()
	resp, err := c.Get(m.Server.URL() + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz over TLS: %v %v", err, resp)
	}
	resp.Body.Close()
	if resp, err := http.Get("http://" + m.Server.Addr().String() + "/healthz"); err == nil && resp.StatusCode == http.StatusOK {
		t.Error("plain HTTP answered on the TLS port")
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "passhub test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestInUseWithoutSocket: a data directory held by a process that does not
// answer on the admin socket gets a message that says what to try.
func TestInUseWithoutSocket(t *testing.T) {
	dir := t.TempDir()
	st, err := hub.OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, _, stderr := passhub(t, "kiosk", "list", "--data", dir)
	if code != 1 || !strings.Contains(stderr, "admin socket") || !strings.Contains(stderr, "as another user") {
		t.Errorf("kiosk list on a held directory: %d %s", code, stderr)
	}
}
