package framegen_test

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/scanner"
)

// category is a kind of frame the decode rate is reported for.
type category struct {
	name string
	in   func(p framegen.Params, modules int) bool
}

func between(v, lo, hi float64) bool { return v >= lo && v < hi }

// categories split the frames with a code by each distortion in turn.
var categories = []category{
	{"size 640x480", func(p framegen.Params, _ int) bool { return p.Height == 480 }},
	{"size 1280x720", func(p framegen.Params, _ int) bool { return p.Height == 720 }},
	{"tilt 0-15°", func(p framegen.Params, _ int) bool { return p.Tilt < 15 }},
	{"tilt 15-25°", func(p framegen.Params, _ int) bool { return between(p.Tilt, 15, 25) }},
	{"tilt 25-35°", func(p framegen.Params, _ int) bool { return p.Tilt >= 25 }},
	{"rotation within 5° of a quarter turn", func(p framegen.Params, _ int) bool { return nearAxis(p.Rotation) }},
	{"rotation other", func(p framegen.Params, _ int) bool { return !nearAxis(p.Rotation) }},
	{"narrowest module 3-3.5 px", func(p framegen.Params, n int) bool { return p.Narrowest(n) < 3.5 }},
	{"narrowest module 3.5-4.5 px", func(p framegen.Params, n int) bool { return between(p.Narrowest(n), 3.5, 4.5) }},
	{"narrowest module 4.5+ px", func(p framegen.Params, n int) bool { return p.Narrowest(n) >= 4.5 }},
	{"sharp", func(p framegen.Params, _ int) bool { return p.Blur == 0 }},
	{"blur box", func(p framegen.Params, _ int) bool { return p.Blur > 0 && p.BlurKind == framegen.Box }},
	{"blur gaussian", func(p framegen.Params, _ int) bool { return p.BlurKind == framegen.Gaussian }},
	{"blur radius 1.5+", func(p framegen.Params, _ int) bool { return p.Blur >= 1.5 }},
	{"noise sigma 0-3", func(p framegen.Params, _ int) bool { return p.Noise < 3 }},
	{"noise sigma 3-6", func(p framegen.Params, _ int) bool { return between(p.Noise, 3, 6) }},
	{"noise sigma 6-8", func(p framegen.Params, _ int) bool { return p.Noise >= 6 }},
	{"full contrast", func(p framegen.Params, _ int) bool { return p.Dark <= 40 && p.Light >= 200 }},
	{"low contrast", func(p framegen.Params, _ int) bool { return p.Dark > 40 || p.Light < 200 }},
	{"dark mode", func(p framegen.Params, _ int) bool { return p.Inverted }},
	{"light mode", func(p framegen.Params, _ int) bool { return !p.Inverted }},
	{"glare", func(p framegen.Params, _ int) bool { return p.Glare.Strength > 0 }},
	{"no glare", func(p framegen.Params, _ int) bool { return p.Glare.Strength == 0 }},
	{"JPEG", func(p framegen.Params, _ int) bool { return p.JPEG > 0 }},
	{"no JPEG", func(p framegen.Params, _ int) bool { return p.JPEG == 0 }},
}

func nearAxis(deg float64) bool {
	d := math.Mod(deg, 90)
	return min(d, 90-d) < 5
}

type tally struct{ read, total int }

func (t tally) String() string {
	if t.total == 0 {
		return "0/0"
	}
	return fmt.Sprintf("%d/%d (%.0f%%)", t.read, t.total, 100*float64(t.read)/float64(t.total))
}

func (t tally) rate() float64 { return float64(t.read) / float64(max(t.total, 1)) }

// TestDecodeRate decodes the default corpus with the scanner and reports how
// many frames it reads, overall and per kind of distortion. It asserts no
// misreads and a sanity floor only; the rates to hold are set from what
// this reports.
func TestDecodeRate(t *testing.T) {
	if testing.Short() {
		t.Skip("decoding 300 frames takes a while")
	}
	srcs := sources(t)
	modules := map[string]int{}
	for _, s := range srcs {
		modules[s.Name] = s.Modules()
	}
	frames, err := framegen.Corpus(framegen.Options{Seed: 1, Sources: srcs})
	if err != nil {
		t.Fatal(err)
	}
	var dec scanner.Decoder
	var all, codes, empty tally
	sizes := map[string]*tally{}
	cats := make([]tally, len(categories))
	sourceKinds := map[string]*tally{}
	strategies := map[scanner.Strategy]int{}
	var failed []string
	for i, f := range frames {
		res, err := dec.Decode(f.Luma)
		read := err == nil
		size := fmt.Sprintf("%dx%d", f.Params.Width, f.Params.Height)
		if sizes[size] == nil {
			sizes[size] = &tally{}
		}
		if f.Text == "" {
			empty.total++
			all.total++
			if read {
				t.Errorf("frame %d has no code, but the scanner read %.30q (%s)", i, res.Text, res.Strategy)
			} else {
				empty.read++
				all.read++
			}
			continue
		}
		if read && res.Text != f.Text {
			t.Errorf("frame %d (%s): misread as %.30q, want %.30q", i, f.Source, res.Text, f.Text)
			read = false
		}
		n := modules[f.Source]
		kind := "source DCC images"
		if strings.HasSuffix(f.Source, ".txt") {
			kind = "source fixture passes"
		}
		if sourceKinds[kind] == nil {
			sourceKinds[kind] = &tally{}
		}
		for _, tl := range []*tally{&all, &codes, sizes[size], sourceKinds[kind]} {
			tl.total++
			if read {
				tl.read++
			}
		}
		for c, cat := range categories {
			if cat.in(f.Params, n) {
				cats[c].total++
				if read {
					cats[c].read++
				}
			}
		}
		if read {
			strategies[res.Strategy]++
		} else if len(failed) < 10 {
			failed = append(failed, fmt.Sprintf("frame %d: %s %+v", i, f.Source, f.Params))
		}
	}
	t.Logf("all frames: %v right (read, or no code reported)", all)
	t.Logf("frames with a code: %v read", codes)
	t.Logf("frames without a code: %v with nothing read", empty)
	for _, s := range slices.Sorted(maps.Keys(sizes)) {
		t.Logf("  %-40s %v", s+" with a code", *sizes[s])
	}
	for _, k := range slices.Sorted(maps.Keys(sourceKinds)) {
		t.Logf("  %-40s %v", k, *sourceKinds[k])
	}
	for c, cat := range categories {
		t.Logf("  %-40s %v", cat.name, cats[c])
	}
	order := make([]int, len(categories))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(cats[a].rate(), cats[b].rate())
	})
	var worst []string
	for _, c := range order[:5] {
		worst = append(worst, fmt.Sprintf("%s %.0f%%", categories[c].name, 100*cats[c].rate()))
	}
	t.Logf("hardest: %s", strings.Join(worst, ", "))
	t.Logf("strategies that read: %v", strategies)
	for _, f := range failed {
		t.Logf("unread %s", f)
	}
	// The scanner reads 90% of this corpus; lower is a regression.
	if codes.rate() < 0.88 {
		t.Errorf("read %v of the frames with a code, want at least 88%%", codes)
	}
}
