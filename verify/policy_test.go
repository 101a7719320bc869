package verify

import (
	"testing"
	"time"
)

func TestPolicyPresets(t *testing.T) {
	kr, err := Preset("kr-2021-12")
	if err != nil {
		t.Fatal(err)
	}
	eu, _ := Preset("eu-3g")
	at := time.Date(2021, 12, 13, 12, 0, 0, 0, time.UTC)
	vacc := func(dn, sd int, date string) *DCC {
		return &DCC{V: []Vaccination{{Target: diseaseCOVID, DoseNumber: Int(dn), TotalDoses: Int(sd), Date: date}}}
	}
	test := func(tt, result string, sampled time.Time) *DCC {
		return &DCC{T: []Test{{Target: diseaseCOVID, Type: tt, Result: result, SampleTime: sampled.Format(time.RFC3339)}}}
	}
	rec := func(from, until string) *DCC {
		return &DCC{R: []Recovery{{Target: diseaseCOVID, ValidFrom: from, ValidUntil: until}}}
	}
	for _, tc := range []struct {
		name  string
		p     Policy
		d     *DCC
		want  Reason // "" = admit
		until string // expected validUntil date, "" = none
	}{
		{"complete, 20 days", kr, vacc(2, 2, "2021-11-23"), "", "2022-05-22"},
		{"complete, exactly 14 days", kr, vacc(2, 2, "2021-11-29"), "", "2022-05-28"},
		{"complete, 13 days", kr, vacc(2, 2, "2021-11-30"), VaccinationTooRecent, ""},
		{"incomplete", kr, vacc(1, 2, "2021-06-01"), VaccinationIncomplete, ""},
		{"single-dose course", kr, vacc(1, 1, "2021-11-01"), "", "2022-04-30"},
		{"older than 180 days", kr, vacc(2, 2, "2021-06-01"), VaccinationTooOld, ""},
		{"booster 3/3 old, no limit", kr, vacc(3, 3, "2021-06-01"), "", ""},
		{"booster 3/2 yesterday", kr, vacc(3, 2, "2021-12-12"), "", ""},
		{"eu-3g has no 180-day limit", eu, vacc(2, 2, "2021-01-10"), "", ""},
		{"wrong disease", kr, &DCC{V: []Vaccination{{Target: "1234", DoseNumber: 2, TotalDoses: 2, Date: "2021-01-01"}}}, WrongDisease, ""},
		{"bad date", kr, vacc(2, 2, "13/11/2021"), BadDate, ""},
		{"PCR 47 h", kr, test(testNAAT, testNegative, at.Add(-47*time.Hour)), "", ""},
		{"PCR 49 h in kr", kr, test(testNAAT, testNegative, at.Add(-49*time.Hour)), TestTooOld, ""},
		{"PCR 49 h in eu-3g", eu, test(testNAAT, testNegative, at.Add(-49*time.Hour)), "", ""},
		{"PCR 73 h in eu-3g", eu, test(testNAAT, testNegative, at.Add(-73*time.Hour)), TestTooOld, ""},
		{"RAT refused in kr", kr, test(testRAT, testNegative, at.Add(-1*time.Hour)), TestTypeRefused, ""},
		{"RAT 47 h in eu-3g", eu, test(testRAT, testNegative, at.Add(-47*time.Hour)), "", ""},
		{"positive", eu, test(testNAAT, "260373001", at.Add(-1*time.Hour)), TestPositive, ""},
		{"sampled in the future", kr, test(testNAAT, testNegative, at.Add(time.Hour)), TestInFuture, ""},
		{"recovery inside", kr, rec("2021-11-01", "2022-04-30"), "", "2022-05-01"},
		{"recovery last day", kr, rec("2021-06-01", "2021-12-13"), "", "2021-12-14"},
		{"recovery over", kr, rec("2021-06-01", "2021-12-12"), RecoveryExpired, ""},
		{"recovery not yet", kr, rec("2021-12-14", "2022-06-01"), RecoveryNotYetValid, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dec := tc.p.evaluate(tc.d, at)
			if tc.want == "" && !dec.ok {
				t.Fatalf("refused (%s: %s), want admit", dec.reason, dec.detail)
			}
			if tc.want != "" && (dec.ok || dec.reason != tc.want) {
				t.Fatalf("got ok=%v reason=%s, want %s", dec.ok, dec.reason, tc.want)
			}
			if tc.until != "" {
				if got := dec.validUntil.Format(time.DateOnly); got != tc.until {
					t.Errorf("valid until %s, want %s", got, tc.until)
				}
			}
		})
	}
}

func TestPolicyDurationsAreParameters(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"name":"strict","vaccination":{"accept":true,"min_after_last":"30d","max_after_last":"90d"},
		"test":{"naat_max_age":"24h"},"recovery":{"accept":false}}`))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2021, 12, 13, 12, 0, 0, 0, time.UTC)
	if dec := p.evaluate(&DCC{V: []Vaccination{{Target: diseaseCOVID, DoseNumber: 2, TotalDoses: 2, Date: "2021-11-23"}}}, at); dec.reason != VaccinationTooRecent {
		t.Errorf("20 days under a 30-day rule: %+v", dec)
	}
	if dec := p.evaluate(&DCC{R: []Recovery{{Target: diseaseCOVID, ValidFrom: "2021-11-01", ValidUntil: "2022-01-01"}}}, at); dec.reason != RecoveryRefused {
		t.Errorf("recovery under a no-recovery rule: %+v", dec)
	}
	if _, err := ParsePolicy([]byte(`{"name":"x","vaccination":{"acept":true}}`)); err == nil {
		t.Error("a misspelt key must be an error")
	}
	if _, err := ParsePolicy([]byte(`{"name":"x","test":{"naat_max_age":"two days"}}`)); err == nil {
		t.Error("a bad duration must be an error")
	}
	for in, want := range map[string]string{"14d": "14d", "48h": "2d", "90m": "1h30m0s", "1d12h": "36h0m0s", "180d": "180d"} {
		d, err := ParseDuration(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
}
