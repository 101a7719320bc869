package main

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeTLSSuites: over TLS 1.2 the hub offers AEAD suites only; a
// client that knows only CBC ones gets no connection.
func TestServeTLSSuites(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	m := NewMain(&env{stderr: io.Discard, now: time.Now, getenv: func(string) string { return "" }}, english(t))
	m.Addr, m.DataDir, m.TLSCert, m.TLSKey = "127.0.0.1:0", t.TempDir(), certFile, keyFile
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	dial := func(suites ...uint16) error {
		c, err := tls.Dial("tcp", m.Server.Addr().String(), &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12, CipherSuites: suites})
		if err == nil {
			c.Close()
		}
		return err
	}
	for _, cbc := range []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256} {
		if err := dial(cbc); err == nil {
			t.Errorf("TLS 1.2 with %s only: connected", tls.CipherSuiteName(cbc))
		}
	}
	for _, aead := range []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256} {
		if err := dial(aead); err != nil {
			t.Errorf("TLS 1.2 with %s: %v", tls.CipherSuiteName(aead), err)
		}
	}
	if _, err := tls.Dial("tcp", m.Server.Addr().String(), &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}); err == nil {
		t.Error("TLS 1.1 connected")
	}
}

// TestServeMetricsToken: with --metrics-token-file, /metrics wants the
// token; a short token is refused at start.
func TestServeMetricsToken(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "metrics.token")
	os.WriteFile(file, []byte("0123456789abcdef0123\n"), 0o600)
	m := NewMain(&env{stderr: io.Discard, now: time.Now, getenv: func(string) string { return "" }}, english(t))
	m.Addr, m.DataDir, m.MetricsTokenFile = "127.0.0.1:0", t.TempDir(), file
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for auth, want := range map[string]int{"": 401, "Bearer wrong": 401, "Bearer 0123456789abcdef0123": 200} {
		req, _ := http.NewRequest("GET", m.Server.URL()+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("/metrics with %q: %d, want %d", auth, resp.StatusCode, want)
		}
	}
	short := filepath.Join(dir, "short.token")
	os.WriteFile(short, []byte("abc\n"), 0o600)
	if code, _, errOut := passhub(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--metrics-token-file", short); code != 2 || !strings.Contains(errOut, "16 or more") {
		t.Errorf("a 3-byte metrics token: exit %d, %s", code, errOut)
	}
	if code, _, errOut := passhub(t, "serve", "--data", t.TempDir(), "--max-conns-per-addr", "-1"); code != 2 || !strings.Contains(errOut, "--max-conns-per-addr -1") {
		t.Errorf("--max-conns-per-addr -1: exit %d, %s", code, errOut)
	}
}
