// Command report prints the tables of bench/scanpeers. Per image set and
// rotation (or frame part, or door kind), for each reader: how many images
// it read right, how many it misread, the median of its per-image median
// decode times, and the ratio of our median time to the reference peer's
// over the images both read. Then, per set, the distribution of those
// times: median, mean, a high percentile and the maximum, with our median
// and mean over the reference's.
//
// usage: report -manifest FILE [-ours NAME] [-ref NAME] [-misses] NAME=RESULTS.jsonl...
//
// Each RESULTS file holds the JSON lines a reader printed ({"file", "ok",
// "text", "ms", "texts"} or {"file", "ok": false, "error", "ms", "texts"});
// "texts", every code the reader found in an untimed listing pass, may be
// missing (an older reader). The manifest (written by bench/topgm) gives
// each file's set, rotation and expected text. See right and misread for
// how a result is judged.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
)

type entry struct {
	Set  string `json:"set"`
	Rot  int    `json:"rot"`
	File string `json:"file"`
	Src  string `json:"src"`
	Want string `json:"want"`
	Kind string `json:"kind"`
}

type result struct {
	File  string   `json:"file"`
	OK    bool     `json:"ok"`
	Text  string   `json:"text"`
	MS    *float64 `json:"ms"`    // passgate scan gives none when the file did not load
	Texts []string `json:"texts"` // every code the listing pass found; nil from an older reader
}

type reader struct {
	name string
	res  map[string]result
}

// row is a group of a set's images: one rotation, a part of the frame set
// or a door kind in the first table, a part in the distribution table.
type row struct {
	label string
	imgs  []entry
}

var sets = []struct{ name, title string }{
	{"blackbox", "blackbox: qr-blackbox qrcode-2 + qrcode-6"},
	{"dcc", "dcc: EU DCC test-vector QR images (EXPECTEDPICTUREDECODE true)"},
	{"frames", "frames: generated camera frames (passctl frames)"},
	{"door", "door: what a door sees (passctl frames -door), a row a kind"},
}

func main() {
	manifest := flag.String("manifest", "", "manifest.jsonl written by bench/topgm")
	ours := flag.String("ours", "passgate", "the reader whose time is compared")
	ref := flag.String("ref", "zxing-cpp", "the reader it is compared with")
	misses := flag.Bool("misses", false, "list on stderr the images each reader did not read right, and those it misread")
	flag.Parse()
	if *manifest == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: report -manifest FILE [-ours NAME] [-ref NAME] [-misses] NAME=RESULTS.jsonl...")
		os.Exit(2)
	}
	if err := run(os.Stdout, os.Stderr, *manifest, *ours, *ref, *misses, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(out, log io.Writer, manifest, ours, ref string, misses bool, args []string) error {
	var man []entry
	if err := readLines(manifest, func(b []byte) error {
		var e entry
		err := json.Unmarshal(b, &e)
		man = append(man, e)
		return err
	}); err != nil {
		return err
	}
	var readers []reader
	for _, a := range args {
		name, file, ok := strings.Cut(a, "=")
		if !ok {
			return fmt.Errorf("argument %q: want NAME=RESULTS.jsonl", a)
		}
		r := reader{name, map[string]result{}}
		if err := readLines(file, func(b []byte) error {
			var res result
			err := json.Unmarshal(b, &res)
			r.res[res.File] = res
			return err
		}); err != nil {
			return err
		}
		readers = append(readers, r)
	}
	for _, r := range readers {
		missing := 0
		for _, e := range man {
			if _, ok := r.res[e.File]; !ok {
				missing++
			}
		}
		if missing > 0 {
			fmt.Fprintf(log, "report: %s gave no result for %d of %d images (counted as not read)\n", r.name, missing, len(man))
		}
	}
	t := table{readers: readers, ours: index(readers, ours), ref: index(readers, ref)}
	t.legend(out)
	for _, s := range sets {
		rows := rowsOf(man, s.name)
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(out, "\n%s\n", s.title)
		t.reads(out, rows)
		t.times(out, partsOf(rows[len(rows)-1].imgs))
		if misses {
			all := rows[len(rows)-1].imgs
			for _, r := range readers {
				var miss, bad []string
				for _, e := range all {
					res, ok := r.res[e.File]
					if !ok || !right(e, res) {
						miss = append(miss, imageName(e))
					}
					if ok && misread(e, res) {
						bad = append(bad, imageName(e))
					}
				}
				fmt.Fprintf(log, "%s %s missed %d: %s\n", s.name, r.name, len(miss), strings.Join(miss, " "))
				if len(bad) > 0 {
					fmt.Fprintf(log, "%s %s misread %d: %s\n", s.name, r.name, len(bad), strings.Join(bad, " "))
				}
			}
			if t.ours >= 0 {
				peerOnly(log, s.name, readers, t.ours, all)
			}
		}
	}
	return nil
}

// table prints the tables of a set; ours and ref index readers, -1 when
// not among them (no ratio is printed then).
type table struct {
	readers   []reader
	ours, ref int
}

func (t table) ratios() bool { return t.ours >= 0 && t.ref >= 0 }

func (t table) legend(out io.Writer) {
	fmt.Fprintln(out, "read: images read right, the expected text being the reader's text or among the codes")
	fmt.Fprintln(out, "it lists (an untimed pass); bad: misread, another code reported; median: of the per-image")
	fmt.Fprintln(out, "median times (ms) of the images read right.")
	if t.ratios() {
		fmt.Fprintf(out, "ratio: %s's median time / %s's, over the images both read right (their number).\n",
			t.readers[t.ours].name, t.readers[t.ref].name)
	}
}

// reads prints the first table of a set: a line per row, per reader the
// images read right, the misread ones and the median time.
func (t table) reads(out io.Writer, rows []row) {
	fmt.Fprintf(out, "%-7s %6s", "", "")
	for _, r := range t.readers {
		fmt.Fprintf(out, "  %16s", r.name)
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "%-7s %6s", "", "images")
	for range t.readers {
		fmt.Fprintf(out, "  %4s %3s %7s", "read", "bad", "median")
	}
	if t.ratios() {
		fmt.Fprintf(out, "  %s", "ratio")
	}
	fmt.Fprintln(out)
	for _, rw := range rows {
		fmt.Fprintf(out, "%-7s %6d", rw.label, len(rw.imgs))
		for _, r := range t.readers {
			n, bad, times := score(r, rw.imgs)
			fmt.Fprintf(out, "  %4d %3d %7s", n, bad, msText(times, median))
		}
		if t.ratios() {
			ta, tb := both(t.readers[t.ours], t.readers[t.ref], rw.imgs)
			fmt.Fprintf(out, "  %s", ratioText(ta, tb, median, true))
		}
		fmt.Fprintln(out)
	}
}

// times prints the distribution table of a set: a block per part, a line
// per reader, and our median and mean over the reference's.
func (t table) times(out io.Writer, parts []row) {
	fmt.Fprintln(out, "\ntime distribution (ms) over the images each reader read right:")
	for _, p := range parts {
		pName, pct := percentileOf(len(p.imgs))
		fmt.Fprintf(out, "  %-20s %5s %8s %8s %8s %8s\n", fmt.Sprintf("%s (%d images)", p.label, len(p.imgs)), "read", "median", "mean", pName, "max")
		for _, r := range t.readers {
			_, _, times := score(r, p.imgs)
			d := distribution(times, pct)
			if d.n == 0 {
				fmt.Fprintf(out, "    %-18s %5d %8s %8s %8s %8s\n", r.name, 0, "-", "-", "-", "-")
				continue
			}
			fmt.Fprintf(out, "    %-18s %5d %8.3f %8.3f %8.3f %8.3f\n", r.name, d.n, d.median, d.mean, d.pct, d.max)
		}
		if t.ratios() {
			ta, tb := both(t.readers[t.ours], t.readers[t.ref], p.imgs)
			name := t.readers[t.ours].name + "/" + t.readers[t.ref].name
			fmt.Fprintf(out, "    %-18s %5d %8s %8s\n", name, len(ta), ratioText(ta, tb, median, false), ratioText(ta, tb, mean, false))
		}
	}
}

// rowsOf splits a set into the rows of its first table: one per rotation
// and "all" when it has several, frames with and without a code, or a row
// a door kind.
func rowsOf(man []entry, set string) []row {
	var all []entry
	byRot := map[int][]entry{}
	for _, e := range man {
		if e.Set == set {
			all = append(all, e)
			byRot[e.Rot] = append(byRot[e.Rot], e)
		}
	}
	if len(all) == 0 {
		return nil
	}
	var rows []row
	switch {
	case set == "door":
		var kinds []string
		byKind := map[string][]entry{}
		for _, e := range all {
			if byKind[e.Kind] == nil {
				kinds = append(kinds, e.Kind)
			}
			byKind[e.Kind] = append(byKind[e.Kind], e)
		}
		for _, k := range kinds {
			rows = append(rows, row{k, byKind[k]})
		}
	case set == "frames":
		rows = codeParts(all)
	case len(byRot) > 1:
		for _, deg := range []int{0, 90, 180, 270} {
			if len(byRot[deg]) > 0 {
				rows = append(rows, row{fmt.Sprintf("%d°", deg), byRot[deg]})
			}
		}
	}
	return append(rows, row{"all", all})
}

// partsOf splits a set's images for the distribution table: frames with
// a code and without one, when the set has both (a frame without a code
// costs a reader far less), and all of them.
func partsOf(all []entry) []row {
	parts := codeParts(all)
	if len(parts[0].imgs) == 0 || len(parts[1].imgs) == 0 {
		return []row{{"all", all}}
	}
	return append(parts, row{"all", all})
}

// codeParts splits images into those with a code and those without
// (an empty expected text: topgm writes a frame's "text" as it is).
func codeParts(all []entry) []row {
	var code, none []entry
	for _, e := range all {
		if e.Want == "" {
			none = append(none, e)
		} else {
			code = append(code, e)
		}
	}
	return []row{{"code", code}, {"no code", none}}
}

// peerOnly lists on log, for each other reader, the images it read right
// and ours did not: what ours has yet to read to be a superset of it.
func peerOnly(log io.Writer, set string, readers []reader, ours int, imgs []entry) {
	for i, r := range readers {
		if i == ours {
			continue
		}
		var only []string
		for _, e := range imgs {
			a, okA := readers[ours].res[e.File]
			b, okB := r.res[e.File]
			if okB && right(e, b) && (!okA || !right(e, a)) {
				only = append(only, imageName(e))
			}
		}
		fmt.Fprintf(log, "%s %s read %d that %s missed: %s\n", set, r.name, len(only), readers[ours].name, strings.Join(only, " "))
	}
}

func imageName(e entry) string {
	name := fmt.Sprintf("%s@%d", e.Src, e.Rot)
	if e.Kind != "" {
		name += "(" + e.Kind + ")"
	}
	return name
}

// score counts the images r read right and those it misread, and collects
// the times of the images read right.
func score(r reader, imgs []entry) (n, bad int, times []float64) {
	for _, e := range imgs {
		res, ok := r.res[e.File]
		if !ok {
			continue
		}
		if misread(e, res) {
			bad++
		}
		if !right(e, res) {
			continue
		}
		n++
		if res.MS != nil {
			times = append(times, *res.MS)
		}
	}
	return n, bad, times
}

// right tells whether a reader read an image right. An image with a code is
// read right when the expected text is the reader's text or among the codes
// it listed: an image may hold several codes (a small one inside a big one)
// and a reader that returns the first it finds is not wrong for finding
// another first. A frame without a code is read right when the reader
// reports nothing, neither a text nor a listed code.
func right(e entry, res result) bool {
	if e.Want == "" {
		return !res.OK && !slices.ContainsFunc(res.Texts, func(t string) bool { return t != "" })
	}
	return (res.OK && res.Text == e.Want) || slices.Contains(res.Texts, e.Want)
}

// misread tells whether a reader reported a code that is not the one
// expected: a text other than the expected one, unless the listing has the
// expected one too (the image holds both, see right); on a frame without a
// code, anything reported.
func misread(e entry, res result) bool {
	if right(e, res) {
		return false
	}
	if e.Want == "" {
		return true // not right: something was reported
	}
	return res.OK && res.Text != ""
}

// both collects the times of a and b over the images both read right, so
// that reading more hard (slow) images is not held against either.
func both(a, b reader, imgs []entry) (ta, tb []float64) {
	for _, e := range imgs {
		ra, okA := a.res[e.File]
		rb, okB := b.res[e.File]
		if okA && okB && right(e, ra) && right(e, rb) && ra.MS != nil && rb.MS != nil {
			ta = append(ta, *ra.MS)
			tb = append(tb, *rb.MS)
		}
	}
	return ta, tb
}

// ratioText gives stat(ta)/stat(tb), with the number of images when count
// is set; "-" when there is nothing to compare.
func ratioText(ta, tb []float64, stat func([]float64) float64, count bool) string {
	if len(ta) == 0 || stat(tb) <= 0 {
		return "-"
	}
	if count {
		return fmt.Sprintf("%.2f (%d)", stat(ta)/stat(tb), len(ta))
	}
	return fmt.Sprintf("%.2f", stat(ta)/stat(tb))
}

func msText(times []float64, stat func([]float64) float64) string {
	if len(times) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", stat(times))
}

// dist is the distribution of a reader's per-image times.
type dist struct {
	n                      int
	median, mean, pct, max float64
}

// distribution summarizes times; pct is the percentile (0 to 100) to give.
func distribution(times []float64, pct float64) dist {
	if len(times) == 0 {
		return dist{}
	}
	s := slices.Clone(times)
	slices.Sort(s)
	return dist{n: len(s), median: s[len(s)/2], mean: mean(s), pct: percentile(s, pct), max: s[len(s)-1]}
}

// percentileOf chooses the percentile shown for a part of n images: p99
// from 100 images, where one image in a hundred is at least one image, and
// p95 below.
func percentileOf(n int) (string, float64) {
	if n >= 100 {
		return "p99", 99
	}
	return "p95", 95
}

// percentile is the nearest-rank percentile of sorted: the smallest value
// that at least p percent of the values do not exceed.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(k, 1), len(sorted))-1]
}

// median takes the upper middle for an even count, like passgate scan.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

func index(rs []reader, name string) int {
	return slices.IndexFunc(rs, func(r reader) bool { return r.name == name })
}

func readLines(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := fn(sc.Bytes()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}
