package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/app"
)

var updateCLI = flag.Bool("update-cli", false, "rewrite the CLI golden files in testdata")

// runEnv runs passgate in-process with these environment variables and
// the clock at now.
func runEnv(t *testing.T, vars map[string]string, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &app.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] }, Now: func() time.Time { return now }}
	code := Main(e, args)
	return code, out.String(), errb.String()
}

// TestVerifyHumanKST is verify's human output, in golden files, for a
// kiosk in Seoul (TZ=Asia/Seoul) asked about 12:00 +09:00 on a machine
// whose clock reads UTC: every time in KST and in the language's words
// (the sample time "12 Dec 15:00", not 2021-12-12T06:00:00Z), the names
// as the certificate gives them.
func TestVerifyHumanKST(t *testing.T) {
	utc := time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ lang, locale, pass string }{
		{"en", "en_US.UTF-8", "test-pcr-valid"},
		{"ko", "ko_KR.UTF-8", "test-pcr-valid"},
		{"en", "en_US.UTF-8", "recovery-valid"},
		{"ko", "ko_KR.UTF-8", "recovery-valid"},
	} {
		t.Run(tc.lang+"/"+tc.pass, func(t *testing.T) {
			p, err := os.ReadFile("../../testdata/passes/" + tc.pass + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runEnv(t, map[string]string{"LANG": tc.locale, "TZ": "Asia/Seoul"}, utc,
				"verify", "--bundle", fixtureBundle, "--bundle-key", fixtureKey, "--at", "2021-12-13T12:00:00+09:00", strings.TrimSpace(string(p)))
			if code != ExitOK {
				t.Fatalf("exit %d: %s\n%s", code, errOut, out)
			}
			if strings.Contains(out, "UTC") || strings.Contains(out, "T06:00") || !strings.Contains(out, "KST") {
				t.Errorf("times not in KST:\n%s", out)
			}
			golden := filepath.Join("testdata", "verify-kst-"+tc.pass+"-"+tc.lang+".golden")
			if *updateCLI {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update-cli to make it)", err)
			}
			if diff := cmp.Diff(string(want), out); diff != "" {
				t.Errorf("%s differs (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// TestVerifyZoneOfAt: without TZ, the zone is the one --at names; with no
// --at, the clock's; --json keeps RFC 3339 in UTC whatever the zone.
func TestVerifyZoneOfAt(t *testing.T) {
	p, _ := os.ReadFile("../../testdata/passes/test-pcr-valid.txt")
	pass := strings.TrimSpace(string(p))
	at := time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)
	_, out, _ := runEnv(t, map[string]string{"LANG": "en_US.UTF-8"}, at, "verify", "--bundle", fixtureBundle, "--bundle-key", fixtureKey,
		"--at", "2021-12-13T12:00:00+09:00", pass)
	for _, want := range []string{"Checked at: 13 Dec 2021 12:00 +0900", "sampled 12 Dec 15:00"} {
		if !strings.Contains(out, want) {
			t.Errorf("--at in +09:00 without TZ: output lacks %q:\n%s", want, out)
		}
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	_, out, _ = runEnv(t, map[string]string{"LANG": "en_US.UTF-8"}, at.In(berlin), "verify", "--bundle", fixtureBundle, "--bundle-key", fixtureKey, pass)
	if !strings.Contains(out, "Checked at: 13 Dec 2021 04:00 CET") || !strings.Contains(out, "sampled 12 Dec 07:00") {
		t.Errorf("no --at, a clock in Berlin: not in CET:\n%s", out)
	}
	_, out, _ = runEnv(t, map[string]string{"LANG": "en_US.UTF-8", "TZ": "Asia/Seoul"}, at, "verify", "--json", "--bundle", fixtureBundle, "--bundle-key", fixtureKey, pass)
	if !strings.Contains(out, `"issued_at":"2021-12-12T07:00:00Z"`) || strings.Contains(out, "+09:00") {
		t.Errorf("--json is not RFC 3339 in UTC:\n%s", out)
	}
}

// TestRegisterTimes: register stats writes its times in the kiosk's zone
// ([kiosk] time_zone) and language; --json stays in UTC.
func TestRegisterTimes(t *testing.T) {
	db := fillRegister(t)
	cfg := tomlFile(t, "[kiosk]\ntime_zone = \"Europe/Berlin\"\n[register]\npath = \""+db+"\"\n")
	code, out, errOut := runIn(t, "en_US.UTF-8", "register", "stats", "--config", cfg)
	if code != ExitOK || !strings.Contains(out, "Dec 2021") || !strings.Contains(out, " CET") || strings.Contains(out, "KST") {
		t.Errorf("stats in Berlin: exit %d %s\n%s", code, errOut, out)
	}
	code, out, _ = runIn(t, "ko_KR.UTF-8", "register", "stats", "--db", db)
	if code != ExitOK || !strings.Contains(out, "2021년 12월 13일") || !strings.Contains(out, "KST") {
		t.Errorf("stats in Korean, the clock's zone: exit %d\n%s", code, out)
	}
	_, out, _ = runIn(t, "en_US.UTF-8", "register", "stats", "--db", db, "--json")
	if !strings.Contains(out, "Z\"") || strings.Contains(out, "KST") {
		t.Errorf("--json not in UTC:\n%s", out)
	}
	code, _, errOut = runIn(t, "en_US.UTF-8", "register", "stats", "--config", tomlFile(t, "[kiosk]\ntime_zone = \"Asia/Seul\"\n[register]\npath = \""+db+"\"\n"))
	if code != ExitUsage || !strings.Contains(errOut, "time_zone") || !strings.Contains(errOut, "Asia/Seul") {
		t.Errorf("a misspelt zone: exit %d, %q", code, errOut)
	}
}

func tomlFile(t *testing.T, doc string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
