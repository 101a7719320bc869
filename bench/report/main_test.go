package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// line parses a reader's JSON line as run does.
func line(t *testing.T, s string) result {
	t.Helper()
	var r result
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return r
}

func TestRightAndMisread(t *testing.T) {
	code := entry{Want: "inner code"}
	none := entry{Want: ""}
	for _, tc := range []struct {
		name       string
		e          entry
		line       string
		right, bad bool
	}{
		{"text is the expected one", code, `{"ok":true,"text":"inner code","ms":1}`, true, false},
		{"and listed", code, `{"ok":true,"text":"inner code","ms":1,"texts":["inner code","outer code"]}`, true, false},
		{"another code first, the expected one listed", code, `{"ok":true,"text":"outer code","ms":1,"texts":["outer code","inner code"]}`, true, false},
		{"another code, nothing listed (an older reader)", code, `{"ok":true,"text":"outer code","ms":1}`, false, true},
		{"another code, only it listed", code, `{"ok":true,"text":"outer code","ms":1,"texts":["outer code"]}`, false, true},
		{"not found by the timed decode, listed", code, `{"ok":false,"error":"none","ms":1,"texts":["inner code"]}`, true, false},
		{"not found at all", code, `{"ok":false,"error":"none","ms":1,"texts":[]}`, false, false},
		{"not found, another code listed", code, `{"ok":false,"error":"none","ms":1,"texts":["outer code"]}`, false, false},
		{"no result for a file that did not load", code, `{"ok":false,"error":"cannot open file"}`, false, false},
		{"no code, nothing reported", none, `{"ok":false,"error":"none","ms":1,"texts":[]}`, true, false},
		{"no code, nothing reported (an older reader)", none, `{"ok":false,"error":"none","ms":1}`, true, false},
		{"no code, a text", none, `{"ok":true,"text":"outer code","ms":1,"texts":["outer code"]}`, false, true},
		{"no code, a code only listed", none, `{"ok":false,"error":"none","ms":1,"texts":["outer code"]}`, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := line(t, tc.line)
			if got := right(tc.e, res); got != tc.right {
				t.Errorf("right = %v, want %v", got, tc.right)
			}
			if got := misread(tc.e, res); got != tc.bad {
				t.Errorf("misread = %v, want %v", got, tc.bad)
			}
		})
	}
}

func TestDistribution(t *testing.T) {
	d := distribution([]float64{5, 1, 3, 2, 4}, 95)
	if want := (dist{n: 5, median: 3, mean: 3, pct: 5, max: 5}); d != want {
		t.Errorf("distribution of 1..5 = %+v, want %+v", d, want)
	}
	var hundred []float64
	for i := 100; i >= 1; i-- {
		hundred = append(hundred, float64(i))
	}
	for _, tc := range []struct {
		pct  float64
		want dist
	}{
		// The upper middle for an even count, like passgate scan.
		{99, dist{n: 100, median: 51, mean: 50.5, pct: 99, max: 100}},
		{95, dist{n: 100, median: 51, mean: 50.5, pct: 95, max: 100}},
	} {
		if d := distribution(hundred, tc.pct); d != tc.want {
			t.Errorf("distribution of 1..100, p%v = %+v, want %+v", tc.pct, d, tc.want)
		}
	}
	if d := distribution([]float64{7}, 99); d != (dist{n: 1, median: 7, mean: 7, pct: 7, max: 7}) {
		t.Errorf("distribution of one time = %+v", d)
	}
	if d := distribution(nil, 99); d.n != 0 {
		t.Errorf("distribution of no times = %+v, want none", d)
	}
	for n, want := range map[int]string{1: "p95", 99: "p95", 100: "p99", 740: "p99"} {
		if got, _ := percentileOf(n); got != want {
			t.Errorf("percentileOf(%d) = %s, want %s", n, got, want)
		}
	}
}

// writer returns a function that writes lines to a file of a temporary
// directory and returns its path.
func writer(t *testing.T) func(name string, lines ...string) string {
	dir := t.TempDir()
	return func(name string, lines ...string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
}

// TestRun runs the report on a small frame set: two readers, one that
// lists every code and one that does not (an older reader).
func TestRun(t *testing.T) {
	write := writer(t)
	man := write("manifest.jsonl",
		`{"set":"frames","rot":0,"file":"a","src":"a.png","want":"A"}`,
		`{"set":"frames","rot":0,"file":"b","src":"b.png","want":"B"}`,
		`{"set":"frames","rot":0,"file":"c","src":"c.png","want":"C"}`,
		`{"set":"frames","rot":0,"file":"d","src":"d.png","want":""}`,
		`{"set":"frames","rot":0,"file":"e","src":"e.png","want":""}`,
	)
	ours := write("ours.jsonl",
		`{"file":"a","ok":true,"text":"A","ms":2,"texts":["A"]}`,
		`{"file":"b","ok":true,"text":"X","ms":4,"texts":["X","B"]}`, // B inside X
		`{"file":"c","ok":false,"error":"none","ms":10,"texts":[]}`,
		`{"file":"d","ok":false,"error":"none","ms":0.5,"texts":[]}`,
		`{"file":"e","ok":true,"text":"Z","ms":1,"texts":["Z"]}`, // a code where there is none
	)
	ref := write("ref.jsonl",
		`{"file":"a","ok":true,"text":"A","ms":4}`,
		`{"file":"b","ok":true,"text":"X","ms":1}`, // no listing: a misread
		`{"file":"c","ok":true,"text":"C","ms":6}`,
		`{"file":"d","ok":false,"error":"none","ms":1}`,
		`{"file":"e","ok":false,"error":"none","ms":3}`,
	)
	var out, log bytes.Buffer
	if err := run(&out, &log, man, roles{"ours", "ref", "kiosk"}, true, []string{"ours=" + ours, "ref=" + ref}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		// rows: read, bad, median per reader; our median over ref's over
		// the images both read (a, then a and d).
		"code         3     2   0   4.000     2   1   6.000  0.50 (1)\n",
		"no code      2     1   1   0.500     2   0   3.000  0.50 (1)\n",
		"all          5     3   1   2.000     4   1   4.000  0.50 (2)\n",
		// the distribution of the images read right, per part
		"  code (3 images)       read   median     mean      p95      max\n",
		"    ours                   2    4.000    3.000    4.000    4.000\n",
		"    ref                    2    6.000    5.000    6.000    6.000\n",
		"    ours/ref               1     0.50     0.50\n",
		"  all (5 images)        read   median     mean      p95      max\n",
		"    ours                   3    2.000    2.167    4.000    4.000\n",
		"    ref                    4    4.000    3.500    6.000    6.000\n",
		// a (2 vs 4) and d (0.5 vs 1): medians 2/4, means 1.25/2.5
		"    ours/ref               2     0.50     0.50\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q; it is:\n%s", want, text)
		}
	}
	for _, want := range []string{
		"frames ours missed 2: c.png@0 e.png@0\n",
		"frames ours misread 1: e.png@0\n",
		"frames ref missed 1: b.png@0\n",
		"frames ref misread 1: b.png@0\n",
		"frames ref read 2 that ours missed: c.png@0 e.png@0\n",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the -misses log lacks %q; it is:\n%s", want, log.String())
		}
	}
}

// kioskRun runs the report on a blackbox set the kiosk reader did not run
// on, a frame set and a door set it did run on, with -misses.
func kioskRun(t *testing.T) (out, log string) {
	write := writer(t)
	man := write("manifest.jsonl",
		`{"set":"blackbox","rot":0,"file":"s1","src":"s1.png","want":"S1"}`,
		`{"set":"blackbox","rot":0,"file":"s2","src":"s2.png","want":"S2"}`,
		`{"set":"frames","rot":0,"file":"a","src":"a.png","want":"A"}`,
		`{"set":"frames","rot":0,"file":"b","src":"b.png","want":"B"}`,
		`{"set":"frames","rot":0,"file":"c","src":"c.png","want":""}`,
		`{"set":"frames","rot":0,"file":"d","src":"d.png","want":""}`,
		`{"set":"door","rot":0,"file":"m","src":"m.png","want":"M","kind":"motion"}`,
		`{"set":"door","rot":0,"file":"n","src":"n.png","want":"N","kind":"motion"}`,
	)
	ours := write("ours.jsonl",
		`{"file":"s1","ok":true,"text":"S1","ms":3,"texts":["S1"]}`,
		`{"file":"s2","ok":false,"error":"none","ms":9,"texts":[]}`,
		`{"file":"a","ok":true,"text":"A","ms":3,"texts":["A"]}`,
		`{"file":"b","ok":true,"text":"B","ms":30,"texts":["B"]}`,
		`{"file":"c","ok":false,"error":"none","ms":20,"texts":[]}`,
		`{"file":"d","ok":false,"error":"none","ms":20,"texts":[]}`,
		`{"file":"m","ok":true,"text":"M","ms":8,"texts":["M"]}`,
		`{"file":"n","ok":false,"error":"none","ms":40,"texts":[]}`,
	)
	ref := write("ref.jsonl",
		`{"file":"s1","ok":true,"text":"S1","ms":1}`,
		`{"file":"s2","ok":true,"text":"S2","ms":2}`,
		`{"file":"a","ok":true,"text":"A","ms":4}`,
		`{"file":"b","ok":true,"text":"B","ms":5}`,
		`{"file":"c","ok":false,"error":"none","ms":1}`,
		`{"file":"d","ok":true,"text":"Z","ms":2}`, // a code where there is none
		`{"file":"m","ok":false,"error":"none","ms":4}`,
		`{"file":"n","ok":true,"text":"N","ms":6}`,
	)
	// The kiosk ran on the frames and the door, and misses b and m within
	// its budget; it has no result for the blackbox images.
	kiosk := write("kiosk.jsonl",
		`{"file":"a","ok":true,"text":"A","ms":2}`,
		`{"file":"b","ok":false,"error":"none","ms":10}`,
		`{"file":"c","ok":false,"error":"none","ms":1}`,
		`{"file":"d","ok":false,"error":"none","ms":1}`,
		`{"file":"m","ok":false,"error":"none","ms":9}`,
		`{"file":"n","ok":true,"text":"N","ms":3}`,
	)
	var o, l bytes.Buffer
	if err := run(&o, &l, man, roles{"ours", "ref", "kiosk"}, true, []string{"ours=" + ours, "ref=" + ref, "kiosk=" + kiosk}); err != nil {
		t.Fatal(err)
	}
	return o.String(), l.String()
}

// TestAbsentReader: a reader with no result on a set did not run on it: it
// is left out of that set's tables and lists, and its images are not
// counted as not read; on the sets it ran on it is a reader like any
// other, but not a peer ours must read a superset of.
func TestAbsentReader(t *testing.T) {
	out, log := kioskRun(t)
	_, blackbox, _ := strings.Cut(out, "\nblackbox:")
	blackbox, _, _ = strings.Cut(blackbox, "\nframes:")
	if strings.Contains(blackbox, "kiosk") {
		t.Errorf("the blackbox tables show the kiosk reader, which did not run on them:\n%s", blackbox)
	}
	for _, want := range []string{
		"                        ours               ref\n",
		"all          2     1   0   3.000     2   0   2.000  3.00 (1)\n",
		"    ours                   1    3.000    3.000    3.000    3.000\n",
		"    ref                    2    2.000    1.500    2.000    2.000\n",
	} {
		if !strings.Contains(blackbox, want) {
			t.Errorf("the blackbox tables lack %q; they are:\n%s", want, blackbox)
		}
	}
	if !strings.Contains(out, "kiosk did not run on blackbox (no result): left out of its tables.\n") {
		t.Errorf("the report does not say the kiosk reader did not run on blackbox:\n%s", out)
	}
	_, frames, _ := strings.Cut(out, "\nframes:")
	frames, _, _ = strings.Cut(frames, "\ndoor:")
	for _, want := range []string{
		"                        ours               ref             kiosk\n",
		"code         2     2   0  30.000     2   0   5.000     1   0   2.000  6.00 (2)\n",
		"no code      2     2   0  20.000     1   1   1.000     2   0   1.000  20.00 (1)\n",
		"    kiosk                  1    2.000    2.000    2.000    2.000\n",
		"    kiosk                  3    1.000    1.333    2.000    2.000\n",
	} {
		if !strings.Contains(frames, want) {
			t.Errorf("the frames tables lack %q; they are:\n%s", want, frames)
		}
	}
	if strings.Contains(log, "gave no result") {
		t.Errorf("a reader's images of a set it did not run on are counted as not read:\n%s", log)
	}
	for _, want := range []string{
		"frames kiosk missed 1: b.png@0\n",
		"frames ref read 0 that ours missed: \n",
		"frames kiosk reads within budget: 3 of 4\n",
		"frames ours read 1 that kiosk missed within budget: b.png@0\n",
		"frames kiosk read 0 within budget that ours missed: \n",
		"door kiosk reads within budget: 1 of 2\n",
		"door ours read 1 that kiosk missed within budget: m.png@0(motion)\n",
		"door kiosk read 1 within budget that ours missed: n.png@0(motion)\n",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the -misses log lacks %q; it is:\n%s", want, log)
		}
	}
	for _, bad := range []string{"blackbox kiosk", "kiosk read 1 that ours missed", "kiosk read 0 that ours missed"} {
		if strings.Contains(log, bad) {
			t.Errorf("the -misses log has %q: the kiosk reader is listed on a set it did not run on or checked as a peer:\n%s", bad, log)
		}
	}

	// A reader on a set with no result for one of its images: that image
	// is not read, and said so.
	write := writer(t)
	man := write("manifest.jsonl",
		`{"set":"blackbox","rot":0,"file":"s1","src":"s1.png","want":"S1"}`,
		`{"set":"blackbox","rot":0,"file":"s2","src":"s2.png","want":"S2"}`,
	)
	one := write("one.jsonl", `{"file":"s1","ok":true,"text":"S1","ms":1}`)
	var o, l bytes.Buffer
	if err := run(&o, &l, man, roles{"one", "", ""}, false, []string{"one=" + one}); err != nil {
		t.Fatal(err)
	}
	if want := "all          2     1   0   1.000\n"; !strings.Contains(o.String(), want) {
		t.Errorf("the report lacks %q; it is:\n%s", want, o.String())
	}
	if want := "report: one gave no result for 1 of 2 images of the sets it ran on (counted as not read)\n"; l.String() != want {
		t.Errorf("log %q, want %q", l.String(), want)
	}
}

// TestKioskRatio: the kiosk reader's time per frame over the reference's,
// over every frame of the set, read or not, and of each part.
func TestKioskRatio(t *testing.T) {
	out, _ := kioskRun(t)
	for _, want := range []string{
		// kiosk 2 10 1 1, ref 4 5 1 2: medians (the upper middle) 2 and 4,
		// means 3.5 and 3; with a code 2 10 and 4 5, without 1 1 and 1 2.
		"kiosk/ref per frame, read or not: median 0.50, mean 1.17 (4 frames; code, 2: median 2.00, mean 1.33; no code, 2: median 0.50, mean 0.67)\n",
		// door: kiosk 9 3, ref 4 6; one part
		"kiosk/ref per frame, read or not: median 1.50, mean 1.20 (2 frames)\n",
		"kiosk/ref per frame: their median and mean time over every frame both timed, read or not\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q; it is:\n%s", want, out)
		}
	}
	_, blackbox, _ := strings.Cut(out, "\nblackbox:")
	blackbox, _, _ = strings.Cut(blackbox, "\nframes:")
	if strings.Contains(blackbox, "per frame") {
		t.Errorf("a kiosk ratio on a set the kiosk reader did not run on:\n%s", blackbox)
	}
	// Without the reference, no ratio.
	write := writer(t)
	man := write("manifest.jsonl", `{"set":"door","rot":0,"file":"m","src":"m.png","want":"M","kind":"motion"}`)
	k := write("kiosk.jsonl", `{"file":"m","ok":true,"text":"M","ms":1}`)
	var o, l bytes.Buffer
	if err := run(&o, &l, man, roles{"ours", "ref", "kiosk"}, false, []string{"kiosk=" + k}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(o.String(), "per frame") {
		t.Errorf("a kiosk ratio without the reference:\n%s", o.String())
	}
}

// TestKioskBySize: on a set of frames of several sizes, the kiosk ratio
// again per size, the largest first; not on a set of one size, nor from a
// manifest without sizes.
func TestKioskBySize(t *testing.T) {
	write := writer(t)
	lines := func(sized bool) string {
		size := func(w, h int) string {
			if !sized {
				return ""
			}
			return fmt.Sprintf(`,"w":%d,"h":%d`, w, h)
		}
		return write("manifest.jsonl",
			`{"set":"frames","rot":0,"file":"a","src":"a.png","want":"A"`+size(640, 480)+`}`,
			`{"set":"frames","rot":0,"file":"b","src":"b.png","want":"B"`+size(1280, 720)+`}`,
			`{"set":"frames","rot":0,"file":"c","src":"c.png","want":""`+size(1280, 720)+`}`,
			`{"set":"frames","rot":0,"file":"d","src":"d.png","want":""`+size(640, 480)+`}`,
			`{"set":"door","rot":0,"file":"m","src":"m.png","want":"M","kind":"motion"`+size(1280, 720)+`}`,
		)
	}
	ref := write("ref.jsonl",
		`{"file":"a","ok":true,"text":"A","ms":4}`,
		`{"file":"b","ok":true,"text":"B","ms":5}`,
		`{"file":"c","ok":false,"error":"none","ms":1}`,
		`{"file":"d","ok":false,"error":"none","ms":2}`,
		`{"file":"m","ok":true,"text":"M","ms":4}`,
	)
	kiosk := write("kiosk.jsonl",
		`{"file":"a","ok":true,"text":"A","ms":2}`,
		`{"file":"b","ok":false,"error":"none","ms":10}`,
		`{"file":"c","ok":false,"error":"none","ms":3}`,
		`{"file":"d","ok":false,"error":"none","ms":1}`,
		`{"file":"m","ok":true,"text":"M","ms":2}`,
	)
	var o, l bytes.Buffer
	if err := run(&o, &l, lines(true), roles{"ours", "ref", "kiosk"}, false, []string{"ref=" + ref, "kiosk=" + kiosk}); err != nil {
		t.Fatal(err)
	}
	out := o.String()
	// 1280×720: kiosk 10 3, ref 5 1; 640×480: kiosk 2 1, ref 4 2.
	at720 := "kiosk/ref per frame at 1280×720, read or not: median 2.00, mean 2.17 (2 frames; code, 1: median 2.00, mean 2.00; no code, 1: median 3.00, mean 3.00)\n"
	at480 := "kiosk/ref per frame at 640×480, read or not: median 0.50, mean 0.50 (2 frames; code, 1: median 0.50, mean 0.50; no code, 1: median 0.50, mean 0.50)\n"
	i, j := strings.Index(out, at720), strings.Index(out, at480)
	if i < 0 || j < 0 || j < i {
		t.Errorf("the report lacks %q then %q; it is:\n%s", at720, at480, out)
	}
	_, door, _ := strings.Cut(out, "\ndoor:")
	if strings.Contains(door, "per frame at") {
		t.Errorf("a per-size ratio on a set of one size:\n%s", door)
	}
	o.Reset()
	if err := run(&o, &l, lines(false), roles{"ours", "ref", "kiosk"}, false, []string{"ref=" + ref, "kiosk=" + kiosk}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(o.String(), "per frame at") {
		t.Errorf("a per-size ratio from a manifest without sizes:\n%s", o.String())
	}
}
