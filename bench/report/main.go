// Command report prints the tables of bench/scanpeers. Per image set and
// rotation (or frame part, or door kind), for each reader: how many images
// it read right, how many it misread, the median of its per-image median
// decode times, and the ratio of our median time to the reference peer's
// over the images both read. Then, per set, the distribution of those
// times: median, mean, a high percentile and the maximum, with our median
// and mean over the reference's; and, on a set the kiosk reader ran on,
// its time per frame over the reference's, over every frame, read or not,
// and again per frame size when the set has several.
// A reader with no result on a set did not run on it and is left out of
// its tables.
//
// usage: report -manifest FILE [-ours NAME] [-ref NAME] [-kiosk NAME] [-misses] NAME=RESULTS.jsonl...
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
	"cmp"
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
	W    int    `json:"w"` // 0 from an older topgm
	H    int    `json:"h"`
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
	kiosk := flag.String("kiosk", "passgate kiosk", "the reader timed per frame against the reference over every frame, read or not; -misses does not check ours against it")
	misses := flag.Bool("misses", false, "list on stderr the images each reader did not read right, and those it misread")
	flag.Parse()
	if *manifest == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: report -manifest FILE [-ours NAME] [-ref NAME] [-kiosk NAME] [-misses] NAME=RESULTS.jsonl...")
		os.Exit(2)
	}
	names := roles{ours: *ours, ref: *ref, kiosk: *kiosk}
	if err := run(os.Stdout, os.Stderr, *manifest, names, *misses, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

// roles names the readers the report compares: ours with the reference,
// and the kiosk reader, timed per frame against the reference.
type roles struct{ ours, ref, kiosk string }

func run(out, log io.Writer, manifest string, names roles, misses bool, args []string) error {
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
	// A reader is on a set when it gave a result for one of its images at
	// least; an image of such a set without a result counts as not read.
	type block struct {
		set, title string
		rows       []row
		t          table
	}
	var blocks []block
	missing := make([]int, len(readers))
	images := make([]int, len(readers))
	absent := map[string][]string{} // reader: the sets it is not on
	for _, s := range sets {
		rows := rowsOf(man, s.name)
		if len(rows) == 0 {
			continue
		}
		all := rows[len(rows)-1].imgs
		var on []reader
		for i, r := range readers {
			n := 0
			for _, e := range all {
				if _, ok := r.res[e.File]; ok {
					n++
				}
			}
			if n == 0 {
				absent[r.name] = append(absent[r.name], s.name)
				continue
			}
			missing[i] += len(all) - n
			images[i] += len(all)
			on = append(on, r)
		}
		blocks = append(blocks, block{s.name, s.title, rows, newTable(on, names)})
	}
	for i, r := range readers {
		if missing[i] > 0 {
			fmt.Fprintf(log, "report: %s gave no result for %d of %d images of the sets it ran on (counted as not read)\n", r.name, missing[i], images[i])
		}
	}
	legend(out, newTable(readers, names))
	for _, r := range readers {
		if not := absent[r.name]; len(not) > 0 {
			fmt.Fprintf(out, "%s did not run on %s (no result): left out of its tables.\n", r.name, strings.Join(not, ", "))
		}
	}
	for _, b := range blocks {
		t := b.t
		fmt.Fprintf(out, "\n%s\n", b.title)
		t.reads(out, b.rows)
		parts := partsOf(b.rows[len(b.rows)-1].imgs)
		t.times(out, parts)
		t.perFrame(out, "", parts)
		if sizes := sizesOf(b.rows[len(b.rows)-1].imgs); len(sizes) > 1 {
			for _, sz := range sizes {
				t.perFrame(out, " at "+sz.label, partsOf(sz.imgs))
			}
		}
		if misses {
			all := b.rows[len(b.rows)-1].imgs
			for _, r := range t.readers {
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
				fmt.Fprintf(log, "%s %s missed %d: %s\n", b.set, r.name, len(miss), strings.Join(miss, " "))
				if len(bad) > 0 {
					fmt.Fprintf(log, "%s %s misread %d: %s\n", b.set, r.name, len(bad), strings.Join(bad, " "))
				}
			}
			if t.ours >= 0 {
				peerOnly(log, b.set, t.readers, t.ours, t.kiosk, all)
			}
			if t.kiosk >= 0 {
				withinBudget(log, b.set, t, all)
			}
		}
	}
	return nil
}

// table prints the tables of a set; ours, ref and kiosk index readers, -1
// when not among them (no ratio is printed then).
type table struct {
	readers          []reader
	ours, ref, kiosk int
}

func newTable(readers []reader, names roles) table {
	return table{readers: readers, ours: index(readers, names.ours), ref: index(readers, names.ref), kiosk: index(readers, names.kiosk)}
}

func (t table) ratios() bool { return t.ours >= 0 && t.ref >= 0 }

// legend explains the columns; t holds every reader, on whichever set.
func legend(out io.Writer, t table) {
	fmt.Fprintln(out, "read: images read right, the expected text being the reader's text or among the codes")
	fmt.Fprintln(out, "it lists (an untimed pass); bad: misread, another code reported; median: of the per-image")
	fmt.Fprintln(out, "median times (ms) of the images read right.")
	if t.ratios() {
		fmt.Fprintf(out, "ratio: %s's median time / %s's, over the images both read right (their number).\n",
			t.readers[t.ours].name, t.readers[t.ref].name)
	}
	if t.kiosk >= 0 && t.ref >= 0 {
		fmt.Fprintf(out, "%s/%s per frame: their median and mean time over every frame both timed, read or not\n",
			t.readers[t.kiosk].name, t.readers[t.ref].name)
		fmt.Fprintln(out, "(the kiosk pays for each frame it sees, whether or not it reads it).")
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

// perFrame prints, on a set the kiosk reader ran on, its median and mean
// time over the reference's, over every image of a part both timed, read
// right or not: what a frame costs the kiosk against what it costs the
// reference. The first part given is the whole set, the others follow in
// brackets. at names the part of the set it is on ("" for all of it).
func (t table) perFrame(out io.Writer, at string, parts []row) {
	if t.kiosk < 0 || t.ref < 0 {
		return
	}
	k, r := t.readers[t.kiosk], t.readers[t.ref]
	text := func(p row) (int, string) {
		tk, tr := timed(k, r, p.imgs)
		return len(tk), fmt.Sprintf("median %s, mean %s", ratioText(tk, tr, median, false), ratioText(tk, tr, mean, false))
	}
	all := parts[len(parts)-1]
	n, s := text(all)
	fmt.Fprintf(out, "%s/%s per frame%s, read or not: %s (%d frames", k.name, r.name, at, s, n)
	for _, p := range parts[:len(parts)-1] {
		n, s := text(p)
		fmt.Fprintf(out, "; %s, %d: %s", p.label, n, s)
	}
	fmt.Fprintln(out, ")")
}

// sizesOf splits images by their size, the largest first, when the
// manifest gives it: a frame's time grows with its pixels, and the issue's
// targets are set at one size.
func sizesOf(all []entry) []row {
	bySize := map[[2]int][]entry{}
	var sizes [][2]int
	for _, e := range all {
		if e.W == 0 || e.H == 0 {
			return nil
		}
		k := [2]int{e.W, e.H}
		if bySize[k] == nil {
			sizes = append(sizes, k)
		}
		bySize[k] = append(bySize[k], e)
	}
	slices.SortFunc(sizes, func(a, b [2]int) int { return cmp.Or(b[0]*b[1]-a[0]*a[1], b[0]-a[0]) })
	rows := make([]row, len(sizes))
	for i, k := range sizes {
		rows[i] = row{fmt.Sprintf("%d×%d", k[0], k[1]), bySize[k]}
	}
	return rows
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

// peerOnly lists on log, for each other reader but the kiosk one, the
// images it read right and ours did not: what ours has yet to read to be
// a superset of it. The kiosk reader is passgate within a frame's budget,
// not a peer (see withinBudget).
func peerOnly(log io.Writer, set string, readers []reader, ours, kiosk int, imgs []entry) {
	for i, r := range readers {
		if i == ours || i == kiosk {
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

// withinBudget lists on log what the kiosk reader reads within a frame's
// budget, and, when ours is on the set too, the images ours read right and
// the kiosk did not, and the other way round.
func withinBudget(log io.Writer, set string, t table, imgs []entry) {
	k := t.readers[t.kiosk]
	n, _, _ := score(k, imgs)
	fmt.Fprintf(log, "%s %s reads within budget: %d of %d\n", set, k.name, n, len(imgs))
	if t.ours < 0 {
		return
	}
	o := t.readers[t.ours]
	only := func(a, b reader) []string {
		var names []string
		for _, e := range imgs {
			ra, okA := a.res[e.File]
			rb, okB := b.res[e.File]
			if okA && right(e, ra) && (!okB || !right(e, rb)) {
				names = append(names, imageName(e))
			}
		}
		return names
	}
	oNotK, kNotO := only(o, k), only(k, o)
	fmt.Fprintf(log, "%s %s read %d that %s missed within budget: %s\n", set, o.name, len(oNotK), k.name, strings.Join(oNotK, " "))
	fmt.Fprintf(log, "%s %s read %d within budget that %s missed: %s\n", set, k.name, len(kNotO), o.name, strings.Join(kNotO, " "))
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

// timed collects the times of a and b over the images both timed, read
// right or not.
func timed(a, b reader, imgs []entry) (ta, tb []float64) {
	for _, e := range imgs {
		ra, okA := a.res[e.File]
		rb, okB := b.res[e.File]
		if okA && okB && ra.MS != nil && rb.MS != nil {
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
