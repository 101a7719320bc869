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
	OtherDoor string           `json:"other_door,omitempty"` // the door that let the guest in (Outcome.OtherDoor)
	Stale     bool             `json:"stale,omitempty"`
	Recorded  bool             `json:"recorded"`
	Error     string           `json:"record_error,omitempty"`
	Entry     string           `json:"entry,omitempty"` // the register's id
	Pass      *verify.PassInfo `json:"pass,omitempty"`
	Staff     string           `json:"staff,omitempty"`
}

// WithoutHolder returns the report without who the guest is: no name,
// date of birth or certificate id (UVCI); the pass's type, country,
// dates and value-set names stay.
func (r Report) WithoutHolder() Report {
	if r.Pass == nil {
		return r
	}
	p := *r.Pass
	p.FamilyName, p.GivenName, p.FamilyNameStd, p.GivenNameStd, p.DateOfBirth, p.UVCI = "", "", "", "", "", ""
	if v := p.Vaccination; v != nil {
		c := *v
		c.CertificateID = ""
		p.Vaccination = &c
	}
	if t := p.Test; t != nil {
		c := *t
		c.CertificateID = ""
		p.Test = &c
	}
	if rc := p.Recovery; rc != nil {
		c := *rc
		c.CertificateID = ""
		p.Recovery = &c
	}
	r.Pass = &p
	return r
}

// Report describes the outcome for machines.
func (o Outcome) Report() Report {
	r := Report{Time: o.Time.UTC(), Method: string(o.Method), Admitted: o.Admitted, Reason: o.Reason,
		Duplicate: o.Duplicate, OtherDoor: o.OtherDoor, Stale: o.Stale, Recorded: o.Recorded, Entry: o.Entry.ID}
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
