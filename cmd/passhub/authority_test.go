package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// TestAuthorityCommands: an account added prints its token once, which
// is an authority's and no kiosk's; list shows it, revoke ends it.
func TestAuthorityCommands(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := passhub(t, "authority", "add", "--data", dir, "--name", "kdca")
	token := strings.TrimSpace(out)
	if code != 0 || len(token) != hub.TokenLen || !strings.Contains(errOut, "shown this once") {
		t.Fatalf("authority add: %d %q %s", code, out, errOut)
	}
	if code, _, errOut := passhub(t, "authority", "add", "--data", dir, "--name", "kdca"); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("adding kdca again: %d %s", code, errOut)
	}
	if code, _, errOut := passhub(t, "authority", "add", "--data", dir); code != 2 || !strings.Contains(errOut, "--name is required") {
		t.Errorf("authority add without --name: %d %s", code, errOut)
	}
	if code, _, errOut := passhub(t, "authority", "add", "--data", dir, "--name", "two words"); code != 1 || !strings.Contains(errOut, "no spaces") {
		t.Errorf("authority add of a bad name: %d %s", code, errOut)
	}
	code, out, _ = passhub(t, "authority", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "NAME") || !strings.Contains(out, "kdca") || !strings.Contains(out, "active") {
		t.Errorf("authority list: %d\n%s", code, out)
	}
	code, out, _ = passhubIn(t, t0, map[string]string{"LANG": "ko_KR.UTF-8"}, "authority", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "이름") {
		t.Errorf("authority list in Korean: %d\n%s", code, out)
	}

	st, err := hub.OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := st.AuthenticateAuthority(context.Background(), token); err != nil || a.Name != "kdca" {
		t.Errorf("the printed token as an authority's: %+v, %v", a, err)
	}
	if _, err := st.Authenticate(context.Background(), token); !errors.Is(err, hub.ErrUnauthorized) {
		t.Errorf("the printed token as a kiosk's: %v, want ErrUnauthorized", err)
	}
	st.Close()

	if code, out, _ := passhub(t, "authority", "revoke", "--data", dir, "--name", "kdca"); code != 0 || !strings.Contains(out, "revoked") {
		t.Errorf("authority revoke: %d %s", code, out)
	}
	if code, _, errOut := passhub(t, "authority", "revoke", "--data", dir, "--name", "nobody"); code != 1 || !strings.Contains(errOut, "no authority") {
		t.Errorf("revoking nobody: %d %s", code, errOut)
	}
	if code, out, _ := passhub(t, "authority", "list", "--data", dir); code != 0 || !strings.Contains(out, "revoked 2021-12-13T03:00:00Z") {
		t.Errorf("authority list after revoke: %d\n%s", code, out)
	}
	st, err = hub.OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.AuthenticateAuthority(context.Background(), token); !errors.Is(err, hub.ErrUnauthorized) {
		t.Errorf("a revoked token: %v", err)
	}
}

// windowData makes a data directory with entries a minute apart from
// 11:00 to 14:00 in Seoul at kiosk-1 and kiosk-3 of venue-1 and kiosk-2 of
// venue-2; kiosk-3's every tenth entry is of one holder.
func windowData(t *testing.T) (dir string, holder string) {
	t.Helper()
	dir = t.TempDir()
	st, err := hub.OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holder = strings.Repeat("5a", 32)
	for n, k := range []hub.Kiosk{{ID: "kiosk-1", Venue: "venue-1"}, {ID: "kiosk-2", Venue: "venue-2"}, {ID: "kiosk-3", Venue: "venue-1"}} {
		ids := entry.NewIDs(mrand.NewChaCha8([32]byte{byte(n + 1)}))
		var es []entry.Entry
		for i := range 180 {
			at := t0.Add(time.Duration(i)*time.Minute - time.Hour + time.Duration(n)*time.Second)
			id, _ := ids.New(at)
			e := entry.Entry{ID: id, Time: at, Venue: k.Venue, Kiosk: k.ID, Method: entry.Camera, Outcome: entry.Admitted, Holder: fmt.Sprintf("%064x", i)}
			if k.ID == "kiosk-3" && i%10 == 0 {
				e.Holder = holder
			}
			es = append(es, e)
		}
		if _, err := st.PutEntries(context.Background(), k, es); err != nil {
			t.Fatal(err)
		}
	}
	return dir, holder
}

// TestEntriesWindow: entries export --venue gives a venue's entries in a
// window, of all its kiosks, a holder's if asked, in JSON lines or CSV.
func TestEntriesWindow(t *testing.T) {
	dir, holder := windowData(t)
	code, out, errOut := passhub(t, "entries", "export", "--data", dir, "--venue", "venue-1",
		"--from", "2021-12-13T12:00:00+09:00", "--to", "2021-12-13T13:00:00+09:00")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 120 || !strings.Contains(errOut, "Exported 120 entries of venue venue-1") {
		t.Fatalf("export --venue: %d, %d lines, %s", code, len(lines), errOut)
	}
	var last time.Time
	for i, l := range lines {
		var e entry.Entry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		if e.Venue != "venue-1" || e.Time.Before(t0) || !e.Time.Before(t0.Add(time.Hour)) || e.Time.Before(last) {
			t.Errorf("line %d: %s of %s at %s, after %s", i, e.ID, e.Venue, e.Time, last)
		}
		last = e.Time
	}

	code, out, errOut = passhub(t, "entries", "export", "--data", dir, "--venue", "venue-1", "--holder", holder,
		"--from", "2021-12-13", "--to", "2021-12-14", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 19 || !strings.Contains(errOut, "of one holder") {
		t.Fatalf("export --holder csv: %d, %d rows (%v), %s", code, len(rows), err, errOut)
	}
	for _, r := range rows[1:] {
		if r[3] != "kiosk-3" || r[10] != holder {
			t.Errorf("holder row %v", r)
		}
	}

	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--venue", "venue-1", "--from", "2021-12-13"}, "both --from and --to"},
		{[]string{"--from", "2021-12-13", "--to", "2021-12-14"}, "--venue is required"},
		{[]string{"--holder", holder}, "--venue is required"},
		{[]string{"--venue", "venue-1", "--from", "2021-12-14", "--to", "2021-12-13"}, "is not before --to"},
		{[]string{"--venue", "venue-1", "--from", "2021-11-01", "--to", "2021-12-13"}, "longer than 31 days"},
		{[]string{"--venue", "venue-1", "--from", "noon", "--to", "2021-12-13"}, `--from "noon"`},
		{[]string{"--venue", "venue-1", "--from", "2021-12-13", "--to", "2021-12-14", "--since", "2021-12-01"}, "not both"},
		{[]string{"--venue", "venue 1", "--from", "2021-12-13", "--to", "2021-12-14"}, "no spaces"},
	} {
		code, _, errOut := passhub(t, append([]string{"entries", "export", "--data", dir}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.says) {
			t.Errorf("export %v: %d %s, want 2 saying %q", c.args, code, errOut, c.says)
		}
	}
}

// TestEntriesCounts: entries counts gives the entries per venue per UTC
// hour, of one venue or of all.
func TestEntriesCounts(t *testing.T) {
	dir, _ := windowData(t)
	code, out, errOut := passhub(t, "entries", "counts", "--data", dir, "--venue", "venue-1", "--from", "2021-12-13", "--to", "2021-12-14")
	want := "VENUE    HOUR (UTC)            ENTRIES\n" +
		"venue-1  2021-12-13T02:00:00Z  120\n" +
		"venue-1  2021-12-13T03:00:00Z  120\n" +
		"venue-1  2021-12-13T04:00:00Z  120\n"
	if code != 0 || out != want || !strings.Contains(errOut, "360 entries in 3 venue-hours") {
		t.Errorf("counts of venue-1: %d\n%s\n%s\nwant\n%s", code, out, errOut, want)
	}
	code, out, _ = passhub(t, "entries", "counts", "--data", dir, "--from", "2021-12-13T12:30:00+09:00", "--to", "2021-12-13T13:00:00+09:00")
	want = "VENUE    HOUR (UTC)            ENTRIES\n" +
		"venue-1  2021-12-13T03:00:00Z  60\n" +
		"venue-2  2021-12-13T03:00:00Z  30\n"
	if code != 0 || out != want {
		t.Errorf("counts of every venue: %d\n%s\nwant\n%s", code, out, want)
	}
	if code, out, errOut := passhub(t, "entries", "counts", "--data", dir, "--from", "2021-12-20", "--to", "2021-12-21"); code != 0 || out != "" || !strings.Contains(errOut, "No entries") {
		t.Errorf("counts of an empty window: %d %q %s", code, out, errOut)
	}
	if code, _, errOut := passhub(t, "entries", "counts", "--data", dir, "--venue", "venue-1"); code != 2 || !strings.Contains(errOut, "--from and --to") {
		t.Errorf("counts without a window: %d %s", code, errOut)
	}
}
