package i18n_test

import (
	"slices"
	"testing"

	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/verify"
)

// TestCatalogsHaveSameKeys keeps Korean and English in step: a key in one
// catalog and not the other is a screen that shows a raw key.
func TestCatalogsHaveSameKeys(t *testing.T) {
	en, err := i18n.New("en")
	if err != nil {
		t.Fatal(err)
	}
	ko, err := i18n.New("ko")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range en.Keys() {
		if !ko.Has(k) {
			t.Errorf("ko.toml lacks %s", k)
		}
	}
	for _, k := range ko.Keys() {
		if !en.Has(k) {
			t.Errorf("en.toml lacks %s", k)
		}
	}
}

// TestEveryReasonTranslated checks every reason code verify can return.
func TestEveryReasonTranslated(t *testing.T) {
	reasons := []verify.Reason{verify.Malformed, verify.UnknownIssuer, verify.BadSignature, verify.WrongKeyUsage,
		verify.Expired, verify.NotYetValid, verify.Revoked, verify.SchemaInvalid, verify.UnsupportedAlg,
		verify.RuleFailed, verify.RuleError, verify.NoRules, verify.NoPolicy, verify.HolderMismatch,
		"signer-validity", "no-dates", "companion-needed", "clock-wrong"}
	for _, lang := range []string{"en", "ko"} {
		c, _ := i18n.New(lang)
		for _, r := range reasons {
			if !c.Has("reason." + string(r)) {
				t.Errorf("%s: no translation for reason %s", lang, r)
			}
		}
	}
}

func TestFromLocale(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "ko_KR.UTF-8"}, "ko"},
		{map[string]string{"LANG": "ko_KR.UTF-8", "LC_ALL": "C"}, "en"},
		{map[string]string{"LC_MESSAGES": "ko"}, "ko"},
		{map[string]string{}, "en"},
	} {
		if got := i18n.FromLocale(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("FromLocale(%v) = %s, want %s", tc.env, got, tc.want)
		}
	}
	if _, err := i18n.New("fr"); err == nil {
		t.Error("New(fr) should fail")
	}
	c, _ := i18n.New("ko")
	if got := c.T("pass.vaccination", "Comirnaty", 2, 2, "2021-11-02"); !slices.Contains([]string{"Comirnaty, 2/2차, 2021-11-02 접종"}, got) {
		t.Errorf("T = %q", got)
	}
}
