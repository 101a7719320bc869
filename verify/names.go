package verify

import "github.com/passgate/passgate/rules"

// The EU value sets a pass's codes are named in.
const (
	vsProduct      = "vaccines-covid-19-names"
	vsManufacturer = "vaccines-covid-19-auth-holders"
	vsProphylaxis  = "sct-vaccines-covid-19"
	vsTestType     = "covid-19-lab-test-type"
	vsTestDevice   = "covid-19-lab-test-manufacturer-and-name"
	vsDisease      = "disease-agent-targeted"
)

// names looks a pass's codes up in the policy's value sets.
func names(p *PassInfo, pol *rules.Policy) Names {
	if pol == nil {
		return Names{}
	}
	look := func(set, code string) string {
		if vs := pol.ValueSets[set]; vs != nil && code != "" {
			if d, ok := vs.Display(code); ok {
				return d
			}
		}
		return ""
	}
	var n Names
	if v := p.Vaccination; v != nil {
		n.Product = look(vsProduct, v.Product)
		n.Manufacturer = look(vsManufacturer, v.Manufacturer)
		n.Prophylaxis = look(vsProphylaxis, v.Prophylaxis)
		n.Disease = look(vsDisease, v.Target)
	}
	if t := p.Test; t != nil {
		n.TestType = look(vsTestType, t.Type)
		n.TestDevice = look(vsTestDevice, t.Device)
		if n.Disease == "" {
			n.Disease = look(vsDisease, t.Target)
		}
	}
	if r := p.Recovery; r != nil && n.Disease == "" {
		n.Disease = look(vsDisease, r.Target)
	}
	return n
}
