package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	fixtureBundle = "../../testdata/bundle.bin"
	fixtureKey    = "../../testdata/keys/bundle.pub"
	fixtureAt     = "2021-12-13T12:00:00+09:00"
)

// TestVerifyFixtures runs each fixture pass through `passgate verify --json`
// with the fixture bundle, from text and from its QR image, and holds the
// verdict and exit code to testdata/passes/expected.json.
func TestVerifyFixtures(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/passes/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]struct {
		Status  string   `json:"status"`
		Reasons []string `json:"reasons"`
	}
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	for name, want := range expected {
		txt := filepath.Join("../../testdata/passes", name+".txt")
		text, err := os.ReadFile(txt)
		if err != nil {
			t.Fatal(err)
		}
		wantCode := ExitNotValid
		if want.Status == "valid" {
			wantCode = ExitOK
		}
		base := []string{"verify", "--json", "--bundle", fixtureBundle, "--bundle-key", fixtureKey, "--at", fixtureAt}
		for _, c := range []struct {
			how   string
			stdin string
			args  []string
		}{
			{"argument", "", []string{strings.TrimSpace(string(text))}},
			{"stdin", string(text), []string{"-"}},
			{"image", "", []string{"--image", strings.TrimSuffix(txt, ".txt") + ".png"}},
		} {
			code, out, errOut := run(t, c.stdin, append(slices.Clone(base), c.args...)...)
			var got struct {
				Status  string          `json:"status"`
				Reasons []string        `json:"reasons"`
				Checks  map[string]bool `json:"checks"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Errorf("%s by %s: exit %d, output %q %s: %v", name, c.how, code, out, errOut, err)
				continue
			}
			if code != wantCode || got.Status != want.Status {
				t.Errorf("%s by %s: exit %d status %s, want %d %s", name, c.how, code, got.Status, wantCode, want.Status)
			}
			for _, r := range want.Reasons {
				if !slices.Contains(got.Reasons, r) {
					t.Errorf("%s by %s: reasons %v, want %v", name, c.how, got.Reasons, want.Reasons)
				}
			}
			if _, ok := got.Checks["picture"]; ok != (c.how == "image") {
				t.Errorf("%s by %s: picture check present=%v", name, c.how, ok)
			}
		}
	}
}

// TestVerifyHuman checks the spoken verdict in both languages.
func TestVerifyHuman(t *testing.T) {
	pass, err := os.ReadFile("../../testdata/passes/vaccination-too-old.txt")
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"en": {"NOT VALID", "vaccination", "15 Jul 1985", "KIM SEOYEON", "Checked at: 13 Dec 2021 12:00 +0900"},
		"ko": {"입장 불가", "마지막 접종이 180일 이내이거나 추가 접종이어야 합니다.", "1985년 7월 15일", "김서연", "규칙 VR-KR-0003 1.0.0 실패", "확인 시각: 2021년 12월 13일 12:00 +0900"},
	} {
		code, out, errOut := run(t, "", "verify", "--lang", lang, "--bundle", fixtureBundle, "--bundle-key", fixtureKey,
			"--at", fixtureAt, strings.TrimSpace(string(pass)))
		if code != ExitNotValid {
			t.Errorf("%s: exit %d: %s", lang, code, errOut)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", lang, w, out)
			}
		}
	}
}

// TestVerifyUsage checks that bad command lines and bad trust are exit 2
// with a message naming what was wrong.
func TestVerifyUsage(t *testing.T) {
	pass, _ := os.ReadFile("../../testdata/passes/vaccination-valid.txt")
	p := strings.TrimSpace(string(pass))
	other := filepath.Join(t.TempDir(), "other.pub")
	os.WriteFile(other, []byte("MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"), 0o644)
	cut := filepath.Join(t.TempDir(), "cut.bin")
	data, _ := os.ReadFile(fixtureBundle)
	os.WriteFile(cut, data[:len(data)/2], 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"verify"}, "give a payload"},
		{[]string{"verify", "--bogus", p}, "bogus"},
		{[]string{"verify", "--at", "noon", p}, "noon"},
		{[]string{"verify", "--bundle", fixtureBundle, p}, "bundle-key"},
		{[]string{"verify", "--bundle", "nope.bin", "--bundle-key", fixtureKey, p}, "nope.bin"},
		{[]string{"verify", "--bundle", cut, "--bundle-key", fixtureKey, p}, "cut.bin"},
		{[]string{"verify", "--bundle", fixtureBundle, "--bundle-key", other, p}, "signature"},
		{[]string{"verify", "--image", "nope.png"}, "nope.png"},
		{[]string{"verify", "--lang", "fr", p}, "fr"},
		{[]string{"frobnicate"}, "frobnicate"},
	} {
		code, out, errOut := run(t, "", c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("passgate %s: exit %d, stderr %q, stdout %q; want exit 2 naming %q",
				strings.Join(c.args, " "), code, errOut, out, c.want)
		}
	}
}
