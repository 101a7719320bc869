package main

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
)

func TestContactsOpen(t *testing.T) {
	dir := t.TempDir()
	auth, other := filepath.Join(dir, "auth"), filepath.Join(dir, "other")
	mustPassctl(t, "keygen-authority", "-out", auth)
	mustPassctl(t, "keygen-authority", "-out", other)
	authPub, err := readAuthorityKey(english(t), auth+".pub")
	if err != nil {
		t.Fatal(err)
	}
	otherPub, err := readAuthorityKey(english(t), other+".pub")
	if err != nil {
		t.Fatal(err)
	}

	// Three entries sealed to the authority, one to another key, one
	// without contact details.
	people := []entry.Contact{
		{Name: "Hong Gildong", DateOfBirth: "1990-01-02", UVCI: "URN:UVCI:01:KR:A"},
		{Name: "Kim Minji", DateOfBirth: "1985-05-05", UVCI: "URN:UVCI:01:KR:B"},
		{Name: "Lee Seo-yeon", DateOfBirth: "2001-12-31", UVCI: "URN:UVCI:01:KR:C"},
		{Name: "Elsewhere", DateOfBirth: "1970-01-01", UVCI: "URN:UVCI:01:KR:D"},
		{},
	}
	ids := entry.NewIDs(rand.Reader)
	var es []entry.Entry
	for i, p := range people {
		at := testNow.Add(time.Duration(i) * time.Minute)
		id, err := ids.New(at)
		if err != nil {
			t.Fatal(err)
		}
		e := entry.Entry{ID: id, Time: at, Venue: "venue-1", Kiosk: "kiosk-1", Method: entry.Camera, Outcome: entry.Admitted}
		switch {
		case i < 3:
			e.Contact, err = entry.Seal(rand.Reader, authPub, p)
		case i == 3:
			e.Contact, err = entry.Seal(rand.Reader, otherPub, p)
		}
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	reg := filepath.Join(dir, "register.db")
	db, err := store.Open(store.Options{Path: reg})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RecordAll(es); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(dir, "export.jsonl")
	f, err := os.Create(export)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Export(f, time.Time{}, "jsonl"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	db.Close()

	for _, src := range [][]string{{"-db", reg}, {"-in", export}} {
		code, out, errOut := passctl(t, append([]string{"contacts", "open", "-key", auth + ".key"}, src...)...)
		if code != 1 {
			t.Errorf("%v: exit %d, want 1 (one contact is sealed to another key)", src, code)
		}
		var got []openedContact
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var c openedContact
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				t.Fatalf("%v: line %q: %v", src, sc.Text(), err)
			}
			got = append(got, c)
		}
		if len(got) != 3 {
			t.Fatalf("%v: %d contacts opened, want 3:\n%s", src, len(got), out)
		}
		for i, c := range got {
			want := openedContact{es[i].ID, es[i].Time, "venue-1", people[i].Name, people[i].DateOfBirth, people[i].UVCI}
			if !c.Time.Equal(want.Time) || c.ID != want.ID || c.Name != want.Name || c.DateOfBirth != want.DateOfBirth || c.UVCI != want.UVCI || c.Venue != want.Venue {
				t.Errorf("%v: contact %d = %+v, want %+v", src, i, c, want)
			}
		}
		for _, want := range []string{"opened 3 contacts; 1 entries carry none", "did not open: " + es[3].ID, "1 sealed contacts did not open"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", src, want, errOut)
			}
		}
	}

	// With the other key, only the fourth opens; the three say so.
	code, out, errOut := passctl(t, "contacts", "open", "-key", other+".key", "-in", export)
	if code != 1 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "Elsewhere") {
		t.Errorf("other key: exit %d\n%s", code, out)
	}
	for _, e := range es[:3] {
		if !strings.Contains(errOut, "did not open: "+e.ID) {
			t.Errorf("other key: stderr does not name %s:\n%s", e.ID, errOut)
		}
	}
}

func TestContactsOpenUsage(t *testing.T) {
	dir := t.TempDir()
	mustPassctl(t, "keygen-authority", "-out", filepath.Join(dir, "auth"))
	key := filepath.Join(dir, "auth.key")
	for _, args := range [][]string{
		{"contacts"},
		{"contacts", "seal"},
		{"contacts", "open", "-in", "x.jsonl"},
		{"contacts", "open", "-key", key},
		{"contacts", "open", "-key", key, "-in", "x", "-db", "y"},
		{"contacts", "open", "-key", key, "-in", "x", "extra"},
	} {
		if code, _, _ := passctl(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	missing := filepath.Join(dir, "none.db")
	code, _, errOut := passctl(t, "contacts", "open", "-key", key, "-db", missing)
	if code != 1 || !strings.Contains(errOut, "no register at") {
		t.Errorf("missing register: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("contacts open made a register")
	}
	// The public key, or a signing key, is not the authority's private key.
	mustPassctl(t, "keygen", "-out", filepath.Join(dir, "sign"))
	for _, bad := range []string{filepath.Join(dir, "auth.pub"), filepath.Join(dir, "sign.key")} {
		if code, _, errOut := passctl(t, "contacts", "open", "-key", bad, "-in", missing); code != 1 || !strings.Contains(errOut, "authority key") {
			t.Errorf("key %s: exit %d, %s", bad, code, errOut)
		}
	}
	// A line that is not an entry is named.
	junk := filepath.Join(dir, "junk.jsonl")
	if err := os.WriteFile(junk, []byte("\n{oops\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := passctl(t, "contacts", "open", "-key", key, "-in", junk); code != 1 || !strings.Contains(errOut, "line 2") {
		t.Errorf("junk input: exit %d, %s", code, errOut)
	}
}
