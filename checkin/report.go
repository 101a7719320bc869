package checkin

import (
	"time"

	"github.com/passgate/passgate/verify"
)

// Report is an outcome as one JSON object: what headless mode prints and
// what the verdict hook gets on its standard input.
type Report struct {
	Time      time.Time        `json:"time"`
	Method    string           `json:"method"`
	Admitted  bool             `json:"admitted"`
	Reason    string           `json:"reason,omitempty"`
	Reasons   []verify.Reason  `json:"reasons,omitempty"`
	Duplicate bool             `json:"duplicate,omitempty"`
	Stale     bool             `json:"stale,omitempty"`
	Recorded  bool             `json:"recorded"`
	Error     string           `json:"record_error,omitempty"`
	Entry     string           `json:"entry,omitempty"` // the register's id
	Pass      *verify.PassInfo `json:"pass,omitempty"`
	Staff     string           `json:"staff,omitempty"`
}

// Report describes the outcome for machines.
func (o Outcome) Report() Report {
	r := Report{Time: o.Time.UTC(), Method: string(o.Method), Admitted: o.Admitted, Reason: o.Reason,
		Duplicate: o.Duplicate, Stale: o.Stale, Recorded: o.Recorded, Entry: o.Entry.ID}
	if o.RecordErr != nil {
		r.Error = o.RecordErr.Error()
	}
	if o.Verdict != nil {
		r.Reasons, r.Pass = o.Verdict.Reasons, o.Verdict.Pass
	}
	if o.Manual != nil {
		r.Staff = o.Manual.Staff
	}
	return r
}
