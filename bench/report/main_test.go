package main

import (
	"bytes"
	"encoding/json"
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

// TestRun runs the report on a small frame set: two readers, one that
// lists every code and one that does not (an older reader).
func TestRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, lines ...string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
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
	if err := run(&out, &log, man, "ours", "ref", true, []string{"ours=" + ours, "ref=" + ref}); err != nil {
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
