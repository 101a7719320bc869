package store_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/entry"
)

func TestExport(t *testing.T) {
	db := mustOpenDB(t)
	m := newMaker(30)
	es := m.many(t, 40, testNow.Add(-40*time.Hour), time.Hour)
	es[39].Contact = []byte{1, 2, 3, 250}
	if err := db.RecordAll(es); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		since time.Time
		want  []entry.Entry
	}{
		{time.Time{}, es},
		{es[0].Time, es},
		{es[0].Time.Add(time.Nanosecond), es[1:]},
		{testNow.Add(-10 * time.Hour), es[30:]},
		{testNow, nil},
		{time.Unix(1<<40, 0), nil},
	} {
		var buf bytes.Buffer
		n, err := db.Export(&buf, tc.since, "jsonl")
		if err != nil {
			t.Fatal(err)
		}
		var got []entry.Entry
		sc := bufio.NewScanner(&buf)
		for sc.Scan() {
			var e entry.Entry
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			got = append(got, e)
		}
		if n != len(tc.want) {
			t.Errorf("since %v: Export said %d, want %d", tc.since, n, len(tc.want))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("since %v: jsonl (-want +got):\n%s", tc.since, diff)
		}

		buf.Reset()
		n, err = db.Export(&buf, tc.since, "csv")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if n != len(tc.want) || len(rows) != n+1 {
			t.Fatalf("since %v: csv of %d rows, Export said %d; want %d and a header", tc.since, len(rows), n, len(tc.want))
		}
		if h := strings.Join(rows[0], ","); h != "id,time,venue,kiosk,method,outcome,reason,format,type,country,holder,staff,note,contact" {
			t.Errorf("csv header %s", h)
		}
		for i, e := range tc.want {
			r := rows[i+1]
			contact, _ := base64.StdEncoding.DecodeString(r[13])
			if r[0] != e.ID || r[1] != e.Time.Format(time.RFC3339Nano) || r[4] != string(e.Method) ||
				r[5] != string(e.Outcome) || r[10] != e.Holder || r[12] != e.Note || !bytes.Equal(contact, e.Contact) {
				t.Errorf("csv row %d: %q, want entry %+v", i, r, e)
			}
		}
	}
	if _, err := db.Export(&bytes.Buffer{}, time.Time{}, "xml"); err == nil || !strings.Contains(err.Error(), "csv or jsonl") {
		t.Errorf("unknown format: %v", err)
	}
}

// TestExportMany crosses the transactions Export splits its reading into.
func TestExportMany(t *testing.T) {
	db := mustOpenDB(t)
	es := newMaker(31).many(t, 12_001, testNow.Add(-24*time.Hour), time.Second)
	if err := db.RecordAll(es); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := db.Export(&buf, es[1000].Time, "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if n != 11_001 || len(lines) != n {
		t.Fatalf("exported %d (%d lines), want 11001", n, len(lines))
	}
	for i, l := range lines {
		if !strings.Contains(l, `"id":"`+es[1000+i].ID+`"`) {
			t.Fatalf("line %d is not entry %s: %s", i, es[1000+i].ID, l)
		}
	}
}

func TestSettings(t *testing.T) {
	o := testOptions(t)
	db := mustOpen(t, o)
	secret, err := db.VenueSecret()
	if err != nil {
		t.Fatal(err)
	}
	// The secret comes from Options.Rand: the same seed, the same secret.
	o2 := testOptions(t)
	if again, err := mustOpen(t, o2).VenueSecret(); err != nil || !bytes.Equal(again, secret) || len(secret) != 32 {
		t.Errorf("venue secret from the same randomness: %x and %x (%v)", secret, again, err)
	}

	if _, ok, err := db.Setting("venue"); ok || err != nil {
		t.Errorf("unset setting: %v, %v", ok, err)
	}
	if err := db.SetSetting("venue", []byte("venue-1")); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := db.Setting("venue"); string(v) != "venue-1" || !ok || err != nil {
		t.Errorf("Setting(venue) = %q, %v, %v", v, ok, err)
	}
	if err := db.SetSetting("", []byte("x")); err == nil {
		t.Error("a setting without a name was stored")
	}
	if err := db.SetSetting("venue-secret", []byte("short")); err == nil {
		t.Error("a short venue secret was stored")
	}
	shared := bytes.Repeat([]byte{9}, 32)
	if err := db.SetSetting("venue-secret", shared); err != nil {
		t.Fatal(err)
	}
	if got, err := db.VenueSecret(); err != nil || !bytes.Equal(got, shared) {
		t.Errorf("shared venue secret: %x, %v", got, err)
	}
}
