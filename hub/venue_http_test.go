package hub_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// TestVenueRecent: a kiosk learns whom the other doors of its venue saw
// let in within the window it asks for: pseudonyms, doors and times only,
// never its own entries, another venue's, refusals, or manual entries
// without a holder.
func TestVenueRecent(t *testing.T) {
	st, _ := mustOpenBolt(t)
	s := mustServe(t, st, hub.Options{})
	now := t0.Add(10 * time.Minute)
	s.Now = func() time.Time { return now }
	tokens := map[string]string{}
	for _, k := range []struct{ venue, kiosk string }{{"cafe", "door-a"}, {"cafe", "door-b"}, {"bar", "door-c"}} {
		tok, err := st.AddKiosk(ctx, k.venue, k.kiosk)
		if err != nil {
			t.Fatal(err)
		}
		tokens[k.kiosk] = tok
	}
	a := makeEntries(t, "cafe", "door-a", 1, 5) // t0 … t0+4s
	a[1].Holder = strings.Repeat("cd", 32)
	a[2].Method, a[2].Holder, a[2].Staff, a[2].Reason = entry.Manual, "", "staff-1", "paper-certificate"
	a[2].Format, a[2].Type, a[2].Country = "", "", ""
	a = append(a, makeEntries(t, "cafe", "door-a", 4, 1)...)
	a[5].Outcome, a[5].Reason = entry.Refused, "expired" // not a sighting
	b := makeEntries(t, "cafe", "door-b", 2, 2)
	c := makeEntries(t, "bar", "door-c", 3, 2)
	for kiosk, es := range map[string][]entry.Entry{"door-a": a, "door-b": b, "door-c": c} {
		if code, _, body := post(t, s.URL(), tokens[kiosk], es); code != http.StatusOK {
			t.Fatalf("push of %s: %d %s", kiosk, code, body)
		}
	}
	recent := func(kiosk, since string) (int, entry.Sightings) {
		t.Helper()
		url := s.URL() + "/v1/venue/recent"
		if since != "" {
			url += "?since=" + since
		}
		resp, body := get(t, url, "Authorization", "Bearer "+tokens[kiosk])
		var got entry.Sightings
		if resp.StatusCode == http.StatusOK {
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode, got
	}
	code, got := recent("door-b", "")
	if code != http.StatusOK || len(got.Sightings) != 4 || !got.Now.Equal(now) {
		t.Fatalf("door-b: %d %+v; want door-a's 4 entries with a holder", code, got)
	}
	for i, sg := range got.Sightings {
		if sg.Kiosk != "door-a" || sg.Holder == "" || i > 0 && sg.Time.Before(got.Sightings[i-1].Time) {
			t.Errorf("door-b's sighting %d: %+v", i, sg)
		}
	}
	if got.Sightings[1].Holder != strings.Repeat("cd", 32) {
		t.Errorf("door-b's second sighting: %+v", got.Sightings[1])
	}
	// A window: since t0+3s leaves door-a's last two (t0+3s, t0+4s).
	if code, got := recent("door-b", t0.Add(3*time.Second).UTC().Format(time.RFC3339Nano)); code != http.StatusOK || len(got.Sightings) != 2 {
		t.Errorf("door-b since t0+3s: %d %+v", code, got)
	}
	if code, got := recent("door-a", ""); code != http.StatusOK || len(got.Sightings) != 2 || got.Sightings[0].Kiosk != "door-b" {
		t.Errorf("door-a: %d %+v; want door-b's 2", code, got)
	}
	if code, got := recent("door-c", ""); code != http.StatusOK || len(got.Sightings) != 0 {
		t.Errorf("door-c of another venue: %d %+v", code, got)
	}
	// No further back than MaxRecent, whatever is asked.
	now = t0.Add(hub.MaxRecent + time.Minute)
	if code, got := recent("door-b", "2021-01-01T00:00:00Z"); code != http.StatusOK || len(got.Sightings) != 0 {
		t.Errorf("since long ago, an hour later: %d %+v", code, got)
	}
	if code, _ := recent("door-b", "yesterday"); code != http.StatusBadRequest {
		t.Errorf("since=yesterday: %d", code)
	}
	resp, _ := get(t, s.URL()+"/v1/venue/recent")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a token: %d", resp.StatusCode)
	}
}
