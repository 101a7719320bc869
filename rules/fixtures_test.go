package rules_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/rules"
)

// ruleJSON is a rule in the gateway's format. Its type and certificate
// type follow the identifier's prefix (IR: an Invalidation rule of
// vaccinations), its country the identifier's.
func ruleJSON(id, version, from, to, logic string) string {
	typ, cert := rules.Acceptance, map[string]rules.CertType{
		"GR": rules.General, "VR": rules.Vaccination, "TR": rules.Test, "RR": rules.Recovery, "IR": rules.Vaccination,
	}[id[:2]]
	if strings.HasPrefix(id, "IR") {
		typ = rules.Invalidation
	}
	return fmt.Sprintf(`{"Identifier":%q,"Type":%q,"Country":%q,"Version":%q,"SchemaVersion":"1.0.0",
		"Engine":"CERTLOGIC","EngineVersion":"1.0.0","CertificateType":%q,
		"Description":[{"lang":"en","desc":"Rule %s version %s in English."},{"lang":"ko","desc":"규칙 %s 버전 %s의 한국어 설명입니다."}],
		"ValidFrom":%q,"ValidTo":%q,"AffectedFields":["v.0"],"Logic":%s}`,
		id, typ, id[3:5], version, cert, id, version, id, version, from, to, logic)
}

// Logic of the fixtures.
const (
	logicTrue    = `{"if":[true,true,{"var":"payload.v"}]}`
	logicFalse   = `{"if":[true,false,{"var":"payload.v"}]}`
	logicOne     = `{"if":[true,1,{"var":"payload.v"}]}` // truthy, yet not true
	logicFull    = `{"if":[{"var":"payload.v.0"},{">=":[{"var":"payload.v.0.dn"},{"var":"payload.v.0.sd"}]},true]}`
	logicBadDate = `{"after":[{"plusTime":[{"var":"payload.v.0.dt"},0,"day"]},{"plusTime":["2021-01-01",0,"day"]}]}`
	logicVS      = `{"in":[{"var":"payload.v.0.mp"},{"var":"external.valueSets.vaccines-covid-19-names"}]}`
)

const (
	from2021 = "2021-01-01T00:00:00Z"
	from2022 = "2022-01-01T00:00:00Z"
	to2030   = "2030-01-01T00:00:00Z"
)

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func mustRules(t testing.TB, docs ...string) []*rules.Rule {
	t.Helper()
	var out []*rules.Rule
	for _, d := range docs {
		rs, err := rules.ParseRules([]byte(d))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rs...)
	}
	return out
}

// namesJSON is a small EU value set.
const namesJSON = `{"valueSetId":"vaccines-covid-19-names","valueSetDate":"2021-04-27","valueSetValues":{
	"EU/1/20/1528":{"display":"Comirnaty","lang":"en","active":true,"system":"https://ec.europa.eu/health/documents/community-register/html/","version":""},
	"EU/1/20/1507":{"display":"Spikevax","lang":"en","active":true,"system":"https://ec.europa.eu/health/documents/community-register/html/","version":""},
	"CVnCoV":{"display":"CVnCoV","lang":"en","active":false,"system":"https://ec.europa.eu/health/documents/community-register/html/","version":""}}}`

// policyJSON is a policy of Korea in the bundle's form: two versions of a
// vaccination rule (the second from 2022), a test, a general, an
// invalidation rule, and a German rule the venue does not apply.
func policyJSON() string {
	rs := []string{
		ruleJSON("VR-KR-0001", "1.0.0", from2021, to2030, logicFull),
		ruleJSON("VR-KR-0001", "1.10.0", from2022, to2030, logicVS),
		ruleJSON("VR-KR-0001", "1.2.0", from2021, to2030, logicFalse),
		ruleJSON("TR-KR-0001", "1.0.0", from2021, to2030, logicTrue),
		ruleJSON("GR-KR-0001", "1.0.0", from2021, from2022, logicTrue),
		ruleJSON("IR-KR-0001", "1.0.0", from2021, to2030, logicTrue),
		ruleJSON("VR-DE-0001", "1.0.0", from2021, to2030, logicFalse),
	}
	return `{"name":"kr-test","country":"KR","contactTracing":true,"companions":{"VR-KR-0001":["Test","Recovery"]},
		"rules":[` + strings.Join(rs, ",") + `],"valueSets":[` + namesJSON + `]}`
}

func mustPolicy(t testing.TB) *rules.Policy {
	t.Helper()
	p, err := rules.ParsePolicy([]byte(policyJSON()))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// vaccinated is a payload of a complete vaccination with Comirnaty.
func vaccinated(dn, sd float64) map[string]any {
	return map[string]any{"v": []any{map[string]any{"dn": dn, "sd": sd, "mp": "EU/1/20/1528", "dt": "2021-06-01"}}}
}
