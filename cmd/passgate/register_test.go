package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
)

// registerNow is the clock of the register tests: 2021-12-13 12:00 in
// Seoul.
var registerNow = time.Date(2021, 12, 13, 12, 0, 0, 0, time.FixedZone("KST", 9*3600))

// runIn runs passgate in-process with a language and the register clock.
func runIn(t *testing.T, lang string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &app.Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return map[string]string{"LANG": lang, "HOME": "/nonexistent"}[k] },
		Now:    func() time.Time { return registerNow },
	}
	code := Main(e, args)
	return code, out.String(), errb.String()
}

// fillRegister makes a register with 40 entries 40 days old (30 of them
// acknowledged), and 20 of the last 10 hours (5 acknowledged).
func fillRegister(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "register.db")
	db, err := store.Open(store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids := entry.NewIDs(rand.NewChaCha8([32]byte{3}))
	mk := func(n int, from time.Time, step time.Duration) []entry.Entry {
		var es []entry.Entry
		for i := range n {
			at := from.Add(time.Duration(i) * step).UTC()
			id, err := ids.New(at)
			if err != nil {
				t.Fatal(err)
			}
			e := entry.Entry{ID: id, Time: at, Venue: "venue-1", Kiosk: "kiosk-1", Method: entry.Camera, Outcome: entry.Admitted}
			if i%4 == 0 {
				e.Outcome, e.Reason = entry.Refused, "expired"
			}
			if i%5 == 0 {
				e.Method, e.Staff = entry.Manual, "staff-1"
			}
			es = append(es, e)
		}
		return es
	}
	old := mk(40, registerNow.Add(-40*24*time.Hour), time.Minute)
	recent := mk(20, registerNow.Add(-10*time.Hour), 30*time.Minute)
	if err := db.RecordAll(append(old, recent...)); err != nil {
		t.Fatal(err)
	}
	var acked []string
	for _, e := range append(old[:30], recent[:5]...) {
		acked = append(acked, e.ID)
	}
	if err := db.Ack(acked); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRegisterStats(t *testing.T) {
	db := fillRegister(t)
	code, out, errOut := runIn(t, "en_US.UTF-8", "register", "stats", "--db", db, "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Total, Pending int
		Today, All     store.Counts
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Today in Seoul began at 00:00: the recent entries from 02:00 on.
	if got.Total != 60 || got.Pending != 25 || got.All.Total != 60 || got.Today.Total != 20 ||
		got.All.Outcome[entry.Refused] != 15 || got.All.Method[entry.Manual] != 12 {
		t.Errorf("stats: %+v", got)
	}

	code, out, _ = runIn(t, "en_US.UTF-8", "register", "stats", "--db", db)
	for _, want := range []string{"Entries: 60, of which 25 wait for the hub", "Today: 20 entries: 15 admitted, 5 refused; 16 by camera, 0 by scanner, 4 manual"} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
	code, out, _ = runIn(t, "ko_KR.UTF-8", "register", "stats", "--db", db)
	if code != ExitOK || !strings.Contains(out, "기록: 60건, 이 중 25건 허브 전송 대기") {
		t.Errorf("Korean: exit %d\n%s", code, out)
	}
}

func TestRegisterExport(t *testing.T) {
	db := fillRegister(t)
	code, out, errOut := runIn(t, "en_US.UTF-8", "register", "export", "--db", db, "--since", "2021-12-13", "--format", "jsonl")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 20 || !strings.Contains(errOut, "exported 20 entries since 13 Dec 2021 00:00 KST") {
		t.Errorf("jsonl since today: %d lines; stderr %q", len(lines), errOut)
	}
	for _, l := range lines {
		var e entry.Entry
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.Check() != nil {
			t.Errorf("line %q: %v %v", l, err, e.Check())
		}
	}

	file := filepath.Join(t.TempDir(), "export.csv")
	code, out, errOut = runIn(t, "en_US.UTF-8", "register", "export", "--db", db, "--since", "2021-11-01T00:00:00Z", "--out", file)
	if code != ExitOK || out != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, out, errOut)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 61 || rows[0][0] != "id" {
		t.Errorf("csv: %d rows, %v", len(rows), err)
	}
	if st, _ := os.Stat(file); st == nil || st.Mode().Perm() != 0o600 {
		t.Errorf("export file mode: %v", st)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--db", db}, "give --since DATE"},
		{[]string{"export", "--db", db, "--since", "yesterday"}, `bad --since "yesterday"`},
		{[]string{"export", "--db", db, "--since", "2021-12-13", "--format", "xml"}, `bad --format "xml"`},
		{[]string{"purge", "--db", db, "--days", "-1"}, "bad --days -1"},
		{[]string{"stats", "--db", db, "extra"}, "Usage: passgate register stats"},
		{[]string{"tidy"}, `unknown register command "tidy"`},
		{nil, "Usage: passgate register"},
	} {
		code, _, errOut := runIn(t, "en_US.UTF-8", append([]string{"register"}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("register %v: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, ExitUsage, tc.want)
		}
	}
}

func TestRegisterPurge(t *testing.T) {
	db := fillRegister(t)
	code, out, errOut := runIn(t, "en_US.UTF-8", "register", "purge", "--db", db)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"purged 30 entries from before 15 Nov 2021 12:00 KST", "kept 10 older entries"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// --days 0: everything the hub holds goes.
	code, out, _ = runIn(t, "en_US.UTF-8", "register", "purge", "--db", db, "--days", "0")
	if code != ExitOK || !strings.Contains(out, "purged 5 entries") || !strings.Contains(out, "kept 25 older entries") {
		t.Errorf("purge --days 0: exit %d\n%s", code, out)
	}
	_, out, _ = runIn(t, "en_US.UTF-8", "register", "stats", "--db", db, "--json")
	if !strings.Contains(out, `"total": 25`) || !strings.Contains(out, `"pending": 25`) {
		t.Errorf("stats after purging:\n%s", out)
	}
}

func TestRegisterFailures(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	code, _, errOut := runIn(t, "en_US.UTF-8", "register", "stats", "--db", missing)
	if code != 1 || !strings.Contains(errOut, "no register at") {
		t.Errorf("missing register: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("stats made a register")
	}

	damaged := filepath.Join(t.TempDir(), "register.db")
	junk := bytes.Repeat([]byte("not a register "), 1000)
	if err := os.WriteFile(damaged, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runIn(t, "en_US.UTF-8", "register", "purge", "--db", damaged)
	if code != 1 || !strings.Contains(errOut, "is damaged or is not a passgate register") {
		t.Errorf("damaged register: exit %d, %s", code, errOut)
	}
	if b, _ := os.ReadFile(damaged); !bytes.Equal(b, junk) {
		t.Error("purge changed a damaged register")
	}

	path := fillRegister(t)
	held, err := store.Open(store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	code, _, errOut = runIn(t, "en_US.UTF-8", "register", "stats", "--db", path)
	if code != 1 || !strings.Contains(errOut, "is in use by another process") {
		t.Errorf("register in use: exit %d, %s", code, errOut)
	}
}
