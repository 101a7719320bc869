// Command report prints the table of bench/scanpeers: per image set and
// rotation, for each reader, how many images it read right and the median of
// its per-image median decode times, and the ratio of our time to the
// reference peer's over the images both read.
//
// usage: report -manifest FILE [-ours NAME] [-ref NAME] [-misses] NAME=RESULTS.jsonl...
//
// Each RESULTS file holds the JSON lines a reader printed ({"file", "ok",
// "text", "ms"} or {"file", "ok": false, "error"}); the manifest (written by
// bench/topgm) gives each file's set, rotation and expected text. An image is
// read right when the reader's text equals the expected text exactly, or,
// for a frame with no code, when the reader reports nothing.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
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
	File string   `json:"file"`
	OK   bool     `json:"ok"`
	Text string   `json:"text"`
	MS   *float64 `json:"ms"` // passgate scan gives none on failure
}

type reader struct {
	name string
	res  map[string]result
}

// row is one line of the table: the images of a set at one rotation, or a
// part of the frame set.
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
	misses := flag.Bool("misses", false, "list on stderr the images each reader did not read right")
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
	iOurs, iRef := index(readers, ours), index(readers, ref)

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

	for _, s := range sets {
		rows := rowsOf(man, s.name)
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(out, "\n%s\n", s.title)
		fmt.Fprintf(out, "%-8s %6s", "", "images")
		for _, r := range readers {
			fmt.Fprintf(out, "  %17s", r.name)
		}
		if iOurs >= 0 && iRef >= 0 {
			fmt.Fprintf(out, "  %s/%s", ours, ref)
		}
		fmt.Fprintln(out)
		for _, rw := range rows {
			fmt.Fprintf(out, "%-8s %6d", rw.label, len(rw.imgs))
			for _, r := range readers {
				n, times := score(r, rw.imgs, nil)
				fmt.Fprintf(out, "  %6d %7s ms", n, msText(times))
			}
			if iOurs >= 0 && iRef >= 0 {
				fmt.Fprintf(out, "  %s", ratio(readers[iOurs], readers[iRef], rw.imgs))
			}
			fmt.Fprintln(out)
		}
		if misses {
			for _, r := range readers {
				var miss []string
				score(r, rows[len(rows)-1].imgs, func(e entry) {
					miss = append(miss, fmt.Sprintf("%s@%d", e.Src, e.Rot))
				})
				fmt.Fprintf(log, "%s %s missed %d: %s\n", s.name, r.name, len(miss), strings.Join(miss, " "))
			}
			if iOurs >= 0 {
				peerOnly(log, s.name, readers, iOurs, rows[len(rows)-1].imgs)
			}
		}
	}
	return nil
}

// rowsOf splits a set into table rows: one per rotation and "all" when it
// has several, or frames with and without a code.
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
	if set == "door" {
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
	} else if set == "frames" {
		var code, none []entry
		for _, e := range all {
			if e.Want == "" {
				none = append(none, e)
			} else {
				code = append(code, e)
			}
		}
		rows = append(rows, row{"code", code}, row{"no code", none})
	} else if len(byRot) > 1 {
		for _, deg := range []int{0, 90, 180, 270} {
			if len(byRot[deg]) > 0 {
				rows = append(rows, row{fmt.Sprintf("%d°", deg), byRot[deg]})
			}
		}
	}
	return append(rows, row{"all", all})
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
				name := fmt.Sprintf("%s@%d", e.Src, e.Rot)
				if e.Kind != "" {
					name += "(" + e.Kind + ")"
				}
				only = append(only, name)
			}
		}
		fmt.Fprintf(log, "%s %s read %d that %s missed: %s\n", set, r.name, len(only), readers[ours].name, strings.Join(only, " "))
	}
}

// score counts the images r read right and collects their times; miss, when
// not nil, is called for every other image.
func score(r reader, imgs []entry, miss func(entry)) (int, []float64) {
	n := 0
	var times []float64
	for _, e := range imgs {
		res, ok := r.res[e.File]
		if !ok || !right(e, res) {
			if miss != nil {
				miss(e)
			}
			continue
		}
		n++
		if res.MS != nil {
			times = append(times, *res.MS)
		}
	}
	return n, times
}

func right(e entry, res result) bool {
	if e.Want == "" {
		return !res.OK
	}
	return res.OK && res.Text == e.Want
}

// ratio compares the median times of a and b over the images both read
// right, so that reading more hard (slow) images is not held against either.
func ratio(a, b reader, imgs []entry) string {
	var ta, tb []float64
	for _, e := range imgs {
		ra, okA := a.res[e.File]
		rb, okB := b.res[e.File]
		if okA && okB && right(e, ra) && right(e, rb) && ra.MS != nil && rb.MS != nil {
			ta = append(ta, *ra.MS)
			tb = append(tb, *rb.MS)
		}
	}
	mb := median(tb)
	if len(ta) == 0 || mb <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f (%d images)", median(ta)/mb, len(ta))
}

func msText(times []float64) string {
	if len(times) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", median(times))
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
