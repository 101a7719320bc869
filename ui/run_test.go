package ui

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/checkin"
)

// runEnded runs Run with a context already cancelled, without a
// terminal: the screen quits at once.
func runEnded(t *testing.T, k *checkin.Kiosk) error {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, Options{Kiosk: k}, tea.WithInput(nil), tea.WithOutput(io.Discard)) }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not end with its context")
		return nil
	}
}

func newDesk(t *testing.T) *checkin.Desk {
	t.Helper()
	desk, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: "door",
		Trust: func() *bundle.Bundle { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return desk
}

// TestRunKeepsKiosk: Run runs the kiosk as the caller configured it.
func TestRunKeepsKiosk(t *testing.T) {
	for _, fps := range []float64{0, 4} {
		k := &checkin.Kiosk{Desk: newDesk(t), PreviewFPS: fps}
		if err := runEnded(t, k); err != nil {
			t.Fatalf("PreviewFPS %v: %v", fps, err)
		}
		if k.PreviewFPS != fps || k.Wedge != nil {
			t.Errorf("Run changed the kiosk: PreviewFPS %v, want %v; Wedge %v", k.PreviewFPS, fps, k.Wedge)
		}
	}
}

// TestRunRefusesWedge: the screen reads the keyboard itself, so a kiosk
// that reads a wedge is a mistake of the caller, not something to undo.
func TestRunRefusesWedge(t *testing.T) {
	wedge := strings.NewReader("")
	k := &checkin.Kiosk{Desk: newDesk(t), Wedge: wedge}
	err := runEnded(t, k)
	if err == nil || !strings.Contains(err.Error(), "Wedge") {
		t.Errorf("Run with a Wedge: err %v, want one naming the Wedge", err)
	}
	if k.Wedge != wedge {
		t.Error("Run changed the kiosk's Wedge")
	}
}
