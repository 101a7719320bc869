package app

import (
	"context"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
	"github.com/passgate/passgate/ui"
)

// Figures are the register's counters as the statistics screen shows
// them: today by hour, by outcome and by reason (the store's counters,
// which purging does not lower).
func (a *App) Figures() (ui.Figures, error) {
	st, err := a.Register.Stats()
	if err != nil {
		return ui.Figures{}, err
	}
	f := ui.Figures{Today: tallyOf(st.Today), Reasons: map[string]int{}}
	for h, c := range st.Hours {
		f.Hours[h] = tallyOf(c)
	}
	for code, n := range st.Today.Reason {
		f.Reasons[code] = n
	}
	return f, nil
}

func tallyOf(c store.Counts) ui.Tally {
	return ui.Tally{Admitted: c.Outcome[entry.Admitted], Refused: c.Outcome[entry.Refused], Manual: c.Method[entry.Manual]}
}

// syncRoundTimeout bounds "sync now" in the admin menu: past it the
// menu says why instead of waiting on.
const syncRoundTimeout = 30 * time.Second

// syncRound is the admin menu's "sync now": one round with the hub
// (a bundle pull, then pushes), its result for the screen. The hub keeps
// entries by id, so a push of the background loop at the same moment
// counts nothing twice.
func (a *App) syncRound(ctx context.Context) ui.SyncReport {
	ctx, cancel := context.WithTimeout(ctx, syncRoundTimeout)
	defer cancel()
	before := a.Uplink.State().BundleSequence
	rep, err := a.Uplink.Once(ctx)
	after := a.Uplink.State().BundleSequence
	return ui.SyncReport{Pushed: rep.Pushed, Waiting: rep.StillQueued,
		Updated: after != before, Sequence: after, Err: err}
}
