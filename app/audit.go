package app

import (
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/ui"
)

// auditEvent is a staff action waiting to be recorded.
type auditEvent struct{ event, staff, detail string }

// audited wires the audit trail into the screen: wrong PINs and lockouts
// through the desk's PIN wrapper (it runs in the screen's Cmds), the
// admin menu's actions and quitting through Options.Audit, which only
// queues them: a goroutine records them, so the screen's Update does no
// I/O. Each becomes an audit event in the register, synced to the hub
// and exported like the guests' entries. The returned flush waits until
// every queued event is recorded (quitting's too); call it when the
// screen has stopped, before the register closes.
func (a *App) audited(o *ui.Options) (flush func()) {
	if a.Kiosk == nil || a.Kiosk.Desk == nil {
		return func() {}
	}
	d := a.Kiosk.Desk
	if a.PINs != nil {
		o.PINs = d.AuditPINs(a.PINs)
	}
	queue, done := make(chan auditEvent, 64), make(chan struct{})
	go func() {
		defer close(done)
		record(d, queue)
	}()
	o.Audit = func(event, staff, detail string) { queue <- auditEvent{event, staff, detail} }
	return func() {
		close(queue)
		<-done
	}
}

// record records the queued events until the queue is closed; a failure
// is logged by the desk.
func record(d *checkin.Desk, queue <-chan auditEvent) {
	for ev := range queue {
		_, _ = d.Audit(ev.event, ev.staff, ev.detail)
	}
}

// auditRetention records a purge by the retention (no staff: the kiosk
// did it) as an audit event, when it removed entries.
func (a *App) auditRetention(purged int) {
	if purged == 0 || a.Kiosk == nil || a.Kiosk.Desk == nil {
		return
	}
	_, _ = a.Kiosk.Desk.Audit(checkin.Purged(purged), "", "retention")
}
