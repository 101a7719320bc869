package uplink_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/passgate/passgate/uplink"
)

// TestHubDate: State carries the Date of the hub's last answer and the
// kiosk's clock when it came, for the clock check; an answer without a
// readable Date leaves the last one.
func TestHubDate(t *testing.T) {
	_, priv := keys(t)
	hub := &fakeHub{bundle: signedBundle(t, priv, 5), stored: map[string]int{}}
	date := "Tue, 14 Dec 2021 03:00:00 GMT"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", date)
		hub.ServeHTTP(w, r)
	}))
	defer srv.Close()
	u := newUplink(t, srv.URL, &memRegister{}, uplink.Options{})
	if st := u.State(); !st.HubDate.IsZero() || !st.HubDateAt.IsZero() {
		t.Fatalf("before any answer: %v at %v", st.HubDate, st.HubDateAt)
	}
	if _, err := u.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2021, 12, 14, 3, 0, 0, 0, time.UTC)
	if st := u.State(); !st.HubDate.Equal(want) || !st.HubDateAt.Equal(t0) {
		t.Fatalf("after an answer: Date %v at %v, want %v at %v", st.HubDate, st.HubDateAt, want, t0)
	}
	date = "not a date"
	if _, err := u.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := u.State(); !st.HubDate.Equal(want) {
		t.Fatalf("an answer with a bad Date replaced the last good one: %v", st.HubDate)
	}
}
