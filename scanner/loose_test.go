package scanner_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
)

// looseFrames are frames of bench/scanpeers' corpora (passctl frames, and
// -door all) that a peer read and passgate did not before the Loose
// strategy: their source and the parameters passctl drew, as it wrote
// them in expected.json.
var looseFrames = []struct {
	name, source, params string
	// onlyLoose: no other strategy of Decoder reads it (0054 and 0175
	// the double-size copy reads too, but the still-picture decoder does
	// not try it on a frame without a sign of a code).
	onlyLoose bool
}{
	// A steep tilt foreshortens one finder pattern to two thirds of its
	// height, and glare over it: gozxing's search wants the pattern as
	// wide as it is high.
	{"frames/0258", "vaccination-too-recent.txt", `{"width":1280,"height":720,"seed":5470881906782818612,"code_size":0.5792617448091116,"x":0.7125809558389005,"y":0.47985433294105734,"rotation":180.13842793040013,"tilt":31.38659761647347,"tilt_axis":83.91560807394103,"dark":0,"light":242,"glare":{"x":0.8402149929063139,"y":0.6579122564637099,"radius":0.1963724322179441,"strength":0.7694171856602204},"blur":0,"noise":7.588974783087308}`, true},
	// Cracks across the glass.
	{"door/0002", "ES/2DCode/raw/102.json", `{"width":640,"height":480,"seed":14528607398514795275,"code_size":0.6984358308180726,"x":0.458260130756998,"y":0.5,"rotation":307.1630643148382,"tilt":10.597313670898682,"tilt_axis":131.13632801737737,"dark":22,"light":231,"glare":{"x":0,"y":0,"radius":0,"strength":0},"blur":0,"noise":1.5128766443016577,"jpeg":60,"cracks":[{"x0":-0.3087376615793835,"y0":-0.5192212545293328,"x1":-0.49650726996434114,"y1":-0.8071420466937171,"width":1.258141633871622,"level":24,"jag":1.213320337063138},{"x0":-0.3087376615793835,"y0":-0.5192212545293328,"x1":0.24528463386144755,"y1":-0.7994965290981786,"width":1.739806055843915,"level":44},{"x0":-0.3087376615793835,"y0":-0.5192212545293328,"x1":-0.6844028256193606,"y1":-0.6465227827615481,"width":1.4236215156094427,"level":24,"jag":0.36187709919343675},{"x0":-0.3087376615793835,"y0":-0.5192212545293328,"x1":-0.4601683386741644,"y1":0.7623974964047834,"width":1.5066887301510872,"level":49}]}`, true},
	// A phone bent round a cylinder.
	{"door/0133", "RO/2DCode/raw/1.json", `{"width":640,"height":480,"seed":7288466734054441342,"code_size":0.6649174789348651,"x":0.598858375920806,"y":0.5,"rotation":140.39833716898588,"tilt":2.418270149468645,"tilt_axis":109.75024296438349,"dark":0,"light":234,"glare":{"x":0,"y":0,"radius":0,"strength":0},"blur":0,"noise":2.4844074889383214,"curve":{"radius":1.3011589312721252,"axis":179.93980629167817}}`, true},
	// Modules of two pixels, turned 9°: a one-pixel run in a finder
	// pattern, half a module, fails gozxing's check by a hair.
	{"door/0054", "PL/1.0.0/2DCode/raw/7.json", `{"width":640,"height":480,"seed":17268446298624150580,"code_size":0.4120827888856748,"x":0.46117487580284755,"y":0.397769587987734,"rotation":351.26343431037094,"tilt":4.9042321753633695,"tilt_axis":115.97965966941946,"dark":39,"light":212,"glare":{"x":0,"y":0,"radius":0,"strength":0},"blur":0,"noise":1.6188100186881988}`, false},
	// Modules of two pixels, the code beside clutter whose patterns the
	// loose search finds too (a fixture pass: read without the shared
	// data too).
	{"door/0078", "forged-signature.txt", `{"width":640,"height":480,"seed":5981685279595335765,"code_size":0.4563502346791115,"x":0.30239831688289326,"y":0.411649728489218,"rotation":266.80011727282834,"tilt":11.439348241820241,"tilt_axis":103.65257644007688,"dark":8,"light":240,"glare":{"x":0,"y":0,"radius":0,"strength":0},"blur":0,"noise":0.6217762538785951}`, true},
	// Moiré of a camera filming a screen, its pitch (2.9 pixels) near the
	// module's: one finder pattern lost in it, the two others found, and
	// the code read in the area of the square they are a side of.
	{"door/0081", "AT/2DCode/raw/3.json", `{"width":1280,"height":720,"seed":7447161855709717857,"code_size":0.5492446472604157,"x":0.4026802608759228,"y":0.48488114960417594,"rotation":268.2432598138978,"tilt":7.541136694545759,"tilt_axis":143.95803243472315,"dark":21,"light":225,"glare":{"x":0,"y":0,"radius":0,"strength":0},"blur":0,"noise":2.1477226099155122,"moire":{"pitch":2.947029128285492,"angle":-1.756740186102169,"amplitude":0.34162438031487,"grid":0.158781514245008,"phase":344.64176695123774}}`, true},
	// Modules of 3.8 pixels, box blur, low contrast and noise.
	{"frames/0175", "PL/1.3.0/2DCode/raw/4.json", `{"width":640,"height":480,"seed":1677082650811183770,"code_size":0.6739656906973813,"x":0.5073506997335738,"y":0.5,"rotation":227.6752018710316,"tilt":0.704586492148368,"tilt_axis":21.855557713659287,"dark":50,"light":169,"glare":{"x":0.7568007919437814,"y":0.6429095292282678,"radius":0.10209892836190479,"strength":0.331229281218058},"blur":1.1458364906778578,"blur_kind":"box","noise":6.923078568934355}`, false},
}

// TestLoose: each frame above is read by the Loose strategy alone and by
// the still-picture decoder; those marked so, by no other strategy.
func TestLoose(t *testing.T) {
	passes, err := framegen.LoadPasses("../testdata/passes")
	if err != nil {
		t.Fatal(err)
	}
	var dcc []framegen.Source
	without := slices.DeleteFunc(scanner.DefaultStrategies(), func(s scanner.Strategy) bool { return s == scanner.Loose })
	for _, c := range looseFrames {
		t.Run(c.name, func(t *testing.T) {
			i := slices.IndexFunc(passes, func(s framegen.Source) bool { return s.Name == c.source })
			srcs := passes
			if i < 0 {
				if dcc == nil {
					if dcc, err = framegen.LoadDCC(shareddata.Dir(t, "dgc-testdata")); err != nil {
						t.Fatal(err)
					}
				}
				srcs = dcc
				i = slices.IndexFunc(dcc, func(s framegen.Source) bool { return s.Name == c.source })
			}
			if i < 0 {
				t.Fatalf("source %s not found", c.source)
			}
			var p framegen.Params
			if err := json.Unmarshal([]byte(c.params), &p); err != nil {
				t.Fatal(err)
			}
			f, err := framegen.Render(srcs[i], p)
			if err != nil {
				t.Fatal(err)
			}
			r, err := scanner.Decoder{Strategies: []scanner.Strategy{scanner.Loose}}.Decode(f.Luma)
			if err != nil || r.Text != f.Text {
				t.Fatalf("Loose: %v (read %.20q)", err, r.Text)
			}
			if r, err := (scanner.Decoder{}).Decode(f.Luma); err != nil || r.Text != f.Text {
				t.Errorf("Decoder: %v (read %.20q)", err, r.Text)
			}
			if c.onlyLoose {
				if _, err := (scanner.Decoder{Strategies: without}).Decode(f.Luma); !errors.Is(err, scanner.ErrNotFound) {
					t.Errorf("read without Loose (%v): the frame no longer pins it", err)
				}
			}
		})
	}
}

// clutterFrames are frames of bench/scanpeers' corpus (passctl frames)
// without a code on which Loose zoomed on pairs of candidates, or read
// triangles of them on weak format evidence, before it asked more of
// them: each cost the still-picture decoder 3-30 ms.
var clutterFrames = []struct{ name, params string }{
	// Pairs of patterns confirmed on a third of their rows.
	{"frames/0020", `{"width":1280,"height":720,"seed":9886883344203191769,"no_code":true,"code_size":0.4091264172588367,"x":0.22022243442498823,"y":0.5466023554161219,"rotation":240.97981457006844,"tilt":11.616051568964075,"tilt_axis":158.8400153644116,"dark":4,"light":203,"glare":{"x":0,"y":0,"radius":0,"strength":0},"blur":0,"noise":1.9578193071240833}`},
	// A blurred, tilted blank phone: pairs, and a triangle on weak format evidence.
	{"frames/0098", `{"width":1280,"height":720,"seed":15994000035484266469,"no_code":true,"code_size":0.28026450185520235,"x":0.4208776632614722,"y":0.40242214260500686,"rotation":239.88590333182105,"tilt":31.396937111240817,"tilt_axis":114.54539237968497,"dark":11,"light":202,"glare":{"x":0,"y":0,"radius":0,"strength":0},"blur":1.3964049002860548,"blur_kind":"box","noise":1.8330902278490502}`},
	// Glare and JPEG: three triangles on weak format evidence.
	{"frames/0116", `{"width":1280,"height":720,"seed":2897457851770228424,"no_code":true,"code_size":0,"x":0.43617079934337954,"y":0.38560524112561934,"rotation":178.67325471331037,"tilt":4.300298786799303,"tilt_axis":113.474127825584,"dark":59,"light":166,"inverted":true,"glare":{"x":0.5580215473309287,"y":0.5863027055314315,"radius":0.12361957102206783,"strength":0.6100517919684365},"blur":0.548347639342158,"blur_kind":"gaussian","noise":7.72572634065549,"jpeg":56}`},
	// Noise at 640×480: three triangles on weak format evidence.
	{"frames/0167", `{"width":640,"height":480,"seed":10486659353364358437,"no_code":true,"code_size":0,"x":0.9480718039398827,"y":0.11556694856323346,"rotation":33.077124831160475,"tilt":33.49088440526898,"tilt_axis":27.25779479250354,"dark":69,"light":196,"glare":{"x":0,"y":0,"radius":0,"strength":0},"blur":0,"noise":7.7273880396731105}`},
	// Three triangles on weak format evidence.
	{"frames/0212", `{"width":1280,"height":720,"seed":13328613093253264636,"no_code":true,"code_size":0.5197431504280023,"x":0.4161475651620834,"y":0.5758317849016025,"rotation":242.2167097102753,"tilt":27.377591314597005,"tilt_axis":95.2247805750352,"dark":53,"light":181,"glare":{"x":0.17101241897561664,"y":0.6997840329869659,"radius":0.04208906134582908,"strength":0.5926802009999631},"blur":1.0605561033748585,"blur_kind":"gaussian","noise":6.557656213610126}`},
}

// TestLooseClutter checks that Loose reads nothing on the clutter frames,
// and finds what it reads a code from on each of looseFrames.
func TestLooseClutter(t *testing.T) {
	passes, err := framegen.LoadPasses("../testdata/passes")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clutterFrames {
		var p framegen.Params
		if err := json.Unmarshal([]byte(c.params), &p); err != nil {
			t.Fatal(err)
		}
		f, err := framegen.Render(passes[0], p)
		if err != nil {
			t.Fatal(err)
		}
		tris, pairs, err := scanner.LooseLeads(f.Luma)
		if err != nil || tris != 0 || pairs != 0 {
			t.Errorf("%s: %d triangles and %d pairs to read (%v), want none", c.name, tris, pairs, err)
		}
	}
}
