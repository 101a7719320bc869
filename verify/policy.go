package verify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Policy is a venue's entry rule: which passes admit, and for how long. All
// durations are parameters so an authority can change them in the bundle.
type Policy struct {
	Name        string          `json:"name"`
	Vaccination VaccinationRule `json:"vaccination"`
	Test        TestRule        `json:"test"`
	Recovery    RecoveryRule    `json:"recovery"`
	// ContactTracing asks the kiosk to record the holder's identity, sealed
	// to the health authority.
	ContactTracing bool `json:"contact_tracing,omitempty"`
}

// VaccinationRule admits a complete vaccination (dose number ≥ total doses).
type VaccinationRule struct {
	Accept bool `json:"accept"`
	// MinAfterLast is the wait after the last dose of a primary course.
	MinAfterLast Duration `json:"min_after_last"`
	// MaxAfterLast ends the pass's acceptance; zero means no limit.
	MaxAfterLast Duration `json:"max_after_last,omitempty"`
	// BoosterMinAfter is the wait after a booster (dose number above the
	// series, or the third dose or later).
	BoosterMinAfter Duration `json:"booster_min_after,omitempty"`
	// BoosterNoLimit exempts boosters from MaxAfterLast.
	BoosterNoLimit bool `json:"booster_no_limit,omitempty"`
}

// TestRule admits a negative test sampled at most the given time before; a
// zero duration refuses that test type.
type TestRule struct {
	NAATMaxAge Duration `json:"naat_max_age,omitempty"` // PCR and other NAAT (LP6464-4)
	RATMaxAge  Duration `json:"rat_max_age,omitempty"`  // rapid antigen (LP217198-3)
}

// RecoveryRule admits a recovery certificate inside its validity window.
type RecoveryRule struct {
	Accept bool `json:"accept"`
}

// Value-set codes the policy reads.
const (
	diseaseCOVID = "840539006"
	testNAAT     = "LP6464-4"
	testRAT      = "LP217198-3"
	testNegative = "260415000"
)

const day = 24 * time.Hour

// Presets returns the built-in policies by name. Each call returns fresh
// copies, so a caller may change one without touching another's.
func Presets() map[string]Policy {
	return map[string]Policy{
		// Korea's vaccine pass of December 2021.
		"kr-2021-12": {
			Name: "kr-2021-12",
			Vaccination: VaccinationRule{Accept: true, MinAfterLast: Duration(14 * day),
				MaxAfterLast: Duration(180 * day), BoosterNoLimit: true},
			Test:     TestRule{NAATMaxAge: Duration(48 * time.Hour)},
			Recovery: RecoveryRule{Accept: true},
		},
		// The EU "3G" rule: vaccinated, tested or recovered.
		"eu-3g": {
			Name:        "eu-3g",
			Vaccination: VaccinationRule{Accept: true, MinAfterLast: Duration(14 * day)},
			Test:        TestRule{NAATMaxAge: Duration(72 * time.Hour), RATMaxAge: Duration(48 * time.Hour)},
			Recovery:    RecoveryRule{Accept: true},
		},
	}
}

// DefaultPreset is the policy used when none is configured.
const DefaultPreset = "kr-2021-12"

// Preset returns the built-in policy of that name.
func Preset(name string) (Policy, error) {
	p, ok := Presets()[name]
	if !ok {
		return Policy{}, fmt.Errorf("unknown policy preset %q (known: %s)", name, strings.Join(PresetNames(), ", "))
	}
	return p, nil
}

// PresetNames lists the built-in policies, sorted.
func PresetNames() []string {
	var names []string
	for n := range Presets() {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// decision is the policy's answer for one certificate.
type decision struct {
	ok         bool
	reason     Reason
	detail     string
	validUntil time.Time
}

func refuse(r Reason, format string, args ...any) decision {
	return decision{reason: r, detail: fmt.Sprintf(format, args...)}
}

// evaluate applies the policy to a schema-valid certificate at time at.
func (p *Policy) evaluate(d *DCC, at time.Time) decision {
	switch d.Type() {
	case Vaccinated:
		return p.vaccination(&d.V[0], at)
	case Tested:
		return p.test(&d.T[0], at)
	case Recovered:
		return p.recovery(&d.R[0], at)
	}
	return refuse(Malformed, "certificate holds no single entry")
}

func (p *Policy) vaccination(v *Vaccination, at time.Time) decision {
	r := p.Vaccination
	if !r.Accept {
		return refuse(VaccinationIncomplete, "policy %s does not accept vaccination", p.Name)
	}
	if v.Target != diseaseCOVID {
		return refuse(WrongDisease, "vaccination targets %q, not COVID-19", v.Target)
	}
	if v.DoseNumber < v.TotalDoses || v.DoseNumber < 1 {
		return refuse(VaccinationIncomplete, "dose %d of %d", v.DoseNumber, v.TotalDoses)
	}
	dt, err := parseDate(v.Date)
	if err != nil {
		return refuse(BadDate, "vaccination date: %v", err)
	}
	booster := v.DoseNumber > v.TotalDoses || v.DoseNumber >= 3
	wait := r.MinAfterLast
	if booster {
		wait = r.BoosterMinAfter
	}
	if from := dt.Add(time.Duration(wait)); at.Before(from) {
		return refuse(VaccinationTooRecent, "last dose on %s, valid from %s", v.Date, from.Format(time.DateOnly))
	}
	dec := decision{ok: true}
	if r.MaxAfterLast > 0 && !(booster && r.BoosterNoLimit) {
		dec.validUntil = dt.Add(time.Duration(r.MaxAfterLast))
		if at.After(dec.validUntil) {
			return refuse(VaccinationTooOld, "last dose on %s, accepted until %s", v.Date, dec.validUntil.Format(time.DateOnly))
		}
	}
	return dec
}

func (p *Policy) test(t *Test, at time.Time) decision {
	if t.Target != diseaseCOVID {
		return refuse(WrongDisease, "test targets %q, not COVID-19", t.Target)
	}
	if t.Result != testNegative {
		return refuse(TestPositive, "test result %q is not negative", t.Result)
	}
	var maxAge Duration
	switch t.Type {
	case testNAAT:
		maxAge = p.Test.NAATMaxAge
	case testRAT:
		maxAge = p.Test.RATMaxAge
	}
	if maxAge <= 0 {
		return refuse(TestTypeRefused, "policy %s does not accept test type %q", p.Name, t.Type)
	}
	sc, err := parseDateTime(t.SampleTime)
	if err != nil {
		return refuse(BadDate, "sample time: %v", err)
	}
	if sc.After(at) {
		return refuse(TestInFuture, "sampled at %s, after the time of check", t.SampleTime)
	}
	until := sc.Add(time.Duration(maxAge))
	if at.After(until) {
		return refuse(TestTooOld, "sampled at %s, accepted until %s", t.SampleTime, until.Format(time.RFC3339))
	}
	return decision{ok: true, validUntil: until}
}

func (p *Policy) recovery(r *Recovery, at time.Time) decision {
	if !p.Recovery.Accept {
		return refuse(RecoveryRefused, "policy %s does not accept recovery", p.Name)
	}
	if r.Target != diseaseCOVID {
		return refuse(WrongDisease, "recovery targets %q, not COVID-19", r.Target)
	}
	df, err := parseDate(r.ValidFrom)
	if err != nil {
		return refuse(BadDate, "valid from: %v", err)
	}
	du, err := parseDate(r.ValidUntil)
	if err != nil {
		return refuse(BadDate, "valid until: %v", err)
	}
	end := du.Add(day) // the whole last day counts
	switch {
	case at.Before(df):
		return refuse(RecoveryNotYetValid, "valid from %s", r.ValidFrom)
	case !at.Before(end):
		return refuse(RecoveryExpired, "valid until %s", r.ValidUntil)
	}
	return decision{ok: true, validUntil: end}
}

// parseDate reads a schema date ("2021-05-29"); a date-time is cut to its
// date, as some issuers write one where the schema wants a date.
func parseDate(s string) (time.Time, error) {
	if len(s) > 10 && s[10] == 'T' {
		s = s[:10]
	}
	return time.Parse(time.DateOnly, s)
}

// dateTimeLayouts are the forms of sample times seen in issued passes.
var dateTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
}

// parseDateTime reads an ISO 8601 date-time; one without a zone is UTC.
func parseDateTime(s string) (time.Time, error) {
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date-time", s)
}

// ParseTime reads the time forms the tools accept for "at": RFC 3339 and the
// looser ISO 8601 forms of the EU test vectors' VALIDATIONCLOCK.
func ParseTime(s string) (time.Time, error) {
	return parseDateTime(s)
}

// Duration is a time.Duration written as "14d", "48h" or "90m" in policy
// files, so a policy reads in the units people use.
type Duration time.Duration

// String writes whole days as "Nd", else as time.Duration does.
func (d Duration) String() string {
	if d != 0 && time.Duration(d)%day == 0 {
		return strconv.FormatInt(int64(time.Duration(d)/day), 10) + "d"
	}
	return time.Duration(d).String()
}

// ParseDuration reads "14d", "1d12h" or any time.ParseDuration form.
func ParseDuration(s string) (Duration, error) {
	var total time.Duration
	if days, rest, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100000 {
			return 0, fmt.Errorf("bad duration %q: want e.g. 14d or 48h", s)
		}
		total = time.Duration(n) * day
		s = rest
		if s == "" {
			return Duration(total), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q: want e.g. 14d or 48h", s)
	}
	return Duration(total + d), nil
}

// MarshalText writes the duration as String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads what ParseDuration reads.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParsePolicy reads a policy from JSON, rejecting unknown keys so a typo is
// an error and not a silently ignored rule.
func ParsePolicy(b []byte) (Policy, error) {
	var p Policy
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Policy{}, fmt.Errorf("policy: %w", err)
	}
	if p.Name == "" {
		return Policy{}, fmt.Errorf("policy: missing name")
	}
	return p, nil
}
