package hub_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// A hub on a free loopback port, a kiosk registered, one entry pushed
// twice: acknowledged both times, stored once.
func Example() {
	dir, err := os.MkdirTemp("", "passhub-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := hub.OpenBolt(dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	s, err := hub.NewServer(st, hub.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Open(); err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		log.Fatal(err)
	}
	e := entry.Entry{ID: "01FPRVQ4W0EQZB0X0WF56MXB81", Time: time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC),
		Venue: "venue-1", Kiosk: "kiosk-1", Method: entry.Camera, Outcome: entry.Admitted}
	body, _ := json.Marshal(entry.Batch{Entries: []entry.Entry{e}})
	for range 2 {
		req, _ := http.NewRequest("POST", s.URL()+"/v1/entries", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		var ack entry.Ack
		json.NewDecoder(resp.Body).Decode(&ack)
		resp.Body.Close()
		fmt.Println(resp.Status, ack.Acked)
	}
	n := 0
	st.ExportEntries(ctx, time.Time{}, func(entry.Entry) error { n++; return nil })
	fmt.Println("stored:", n)
	// Output:
	// 200 OK [01FPRVQ4W0EQZB0X0WF56MXB81]
	// 200 OK [01FPRVQ4W0EQZB0X0WF56MXB81]
	// stored: 1
}
