#!/usr/bin/env bash
# Makes the project's fixtures with its own tool, passctl: a test PKI, a
# signed trust bundle and passes of every kind, judged at lunchtime on
# 13 December 2021 in Seoul (2021-12-13T12:00:00+09:00), the first day of
# Korea's vaccine pass. verify/fixtures_test.go checks each pass against
# passes/expected.json, which is written here by hand, not from a verdict.
#
#   bash testdata/generate.sh          # keep the keys, remake passes and bundle
#   bash testdata/generate.sh --keys   # also make new keys (new kids)
#
# The keys are test keys, committed on purpose: never use them for real passes.
set -euo pipefail
cd "$(dirname "$0")"

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
(cd .. && go build -o "$bin/passctl" ./cmd/passctl)
pc() { "$bin/passctl" "$@"; }

if [[ "${1:-}" == "--keys" || ! -f keys/bundle.key ]]; then
	rm -rf keys && mkdir -p keys
	pc keygen -out keys/bundle >/dev/null
	pc keygen-authority -out keys/authority >/dev/null
	pc cert csca -out keys/csca -country KR -not-before 2020-01-01 -not-after 2030-01-01
	# ES256, no DCC key usage: signs every type.
	pc cert dsc -ca keys/csca -out keys/dsc -country KR -alg ES256 -not-before 2020-06-01 -not-after 2023-06-01
	# PS256, naming all three types.
	pc cert dsc -ca keys/csca -out keys/dsc-rsa -country KR -alg PS256 -types v,t,r -not-before 2020-06-01 -not-after 2023-06-01
	# Signs tests only.
	pc cert dsc -ca keys/csca -out keys/dsc-tests -country KR -types t -not-before 2020-06-01 -not-after 2023-06-01
	# Not in the bundle: its passes have an unknown kid.
	pc cert dsc -ca keys/csca -out keys/dsc-stranger -country KR -not-before 2020-06-01 -not-after 2023-06-01
fi

rm -rf passes passes-rules && mkdir passes passes-rules
hong=(-family 홍 -given 길동 -family-std HONG -given-std GILDONG -dob 1990-03-01)
kim=(-family 김 -given 서연 -family-std KIM -given-std SEOYEON -dob 1985-07-15)
anna=(-family Müller -given "Anna Lena" -dob 1979-11-30)
minor=(-family 이 -given 하늘 -family-std LEE -given-std HANEUL -dob 2005-06)
pass() { # NAME FLAGS...: HC1 text and QR image
	local name=$1
	shift
	pc issue "$@" -out "passes/$name.txt" -png "passes/$name.png"
}

vac=(-dsc keys/dsc -type vaccination -iat 2021-11-03T09:00:00+09:00 -exp 2022-11-03T09:00:00+09:00)
pass vaccination-valid "${vac[@]}" "${hong[@]}" -dose 2 -doses 2 -date 2021-11-02
pass vaccination-ps256 -dsc keys/dsc-rsa -type vaccination "${anna[@]}" -dose 2 -doses 2 -date 2021-09-01 \
	-iat 2021-09-02 -exp 2022-09-02
pass vaccination-booster "${vac[@]}" "${kim[@]}" -dose 3 -doses 3 -date 2021-12-01
pass vaccination-too-old "${vac[@]}" "${kim[@]}" -dose 2 -doses 2 -date 2021-05-20
pass vaccination-too-recent "${vac[@]}" "${kim[@]}" -dose 2 -doses 2 -date 2021-12-05
pass vaccination-incomplete "${vac[@]}" "${kim[@]}" -dose 1 -doses 2 -date 2021-10-01
pass vaccination-uncompressed "${vac[@]}" "${hong[@]}" -dose 2 -doses 2 -date 2021-10-20 -no-compress -untagged -unprotected-kid

tst=(-dsc keys/dsc-tests -type test -iat 2021-12-12T16:00:00+09:00 -exp 2021-12-15T16:00:00+09:00)
pass test-pcr-valid "${tst[@]}" "${kim[@]}" -test pcr -sampled 2021-12-12T15:00:00+09:00
pass test-pcr-too-old -dsc keys/dsc-tests -type test "${kim[@]}" -test pcr -sampled 2021-12-10T09:00:00+09:00 \
	-iat 2021-12-10T12:00:00+09:00 -exp 2021-12-20T12:00:00+09:00
pass test-rat "${tst[@]}" "${anna[@]}" -test rat -sampled 2021-12-13T08:00:00+09:00
pass test-positive "${tst[@]}" "${hong[@]}" -test pcr -sampled 2021-12-12T15:00:00+09:00 -positive

pass recovery-valid -dsc keys/dsc-rsa -type recovery "${hong[@]}" -first-positive 2021-11-01 \
	-valid-from 2021-11-12 -valid-until 2022-04-30 -iat 2021-11-12 -exp 2022-04-30
pass recovery-expired -dsc keys/dsc -type recovery "${anna[@]}" -first-positive 2021-04-01 \
	-valid-from 2021-04-12 -valid-until 2021-09-28 -iat 2021-04-12 -exp 2022-04-12

pass expired "${hong[@]}" -dsc keys/dsc -type vaccination -dose 2 -doses 2 -date 2021-07-01 \
	-iat 2021-07-02 -exp 2021-12-01
pass not-yet-valid "${hong[@]}" -dsc keys/dsc -type vaccination -dose 2 -doses 2 -date 2021-11-02 \
	-iat 2021-12-14T09:00:00+09:00 -exp 2022-12-14
pass revoked-uci "${vac[@]}" "${kim[@]}" -dose 2 -doses 2 -date 2021-10-01 -uvci URN:UVCI:01:KR:PGREVOKEDUCI
pass revoked-countrycodeuci "${vac[@]}" "${hong[@]}" -dose 2 -doses 2 -date 2021-10-02 -uvci URN:UVCI:01:KR:PGREVOKEDCCUCI
pass revoked-signature "${vac[@]}" "${anna[@]}" -dose 2 -doses 2 -date 2021-10-03
pass wrong-key-usage -dsc keys/dsc-tests -type vaccination "${hong[@]}" -dose 2 -doses 2 -date 2021-11-02 \
	-iat 2021-11-03 -exp 2022-11-03
pass unknown-kid -dsc keys/dsc-stranger -type vaccination "${hong[@]}" -dose 2 -doses 2 -date 2021-11-02 \
	-iat 2021-11-03 -exp 2022-11-03
pass forged-signature -dsc keys/dsc-stranger -kid-from keys/dsc -type vaccination "${hong[@]}" -dose 2 -doses 2 \
	-date 2021-11-02 -iat 2021-11-03 -exp 2022-11-03
pass tampered "${vac[@]}" "${hong[@]}" -dose 2 -doses 2 -date 2021-11-02 -tamper
pass truncated "${vac[@]}" "${hong[@]}" -dose 2 -doses 2 -date 2021-11-02 -truncate
pass zip-bomb -zip-bomb 1048576

# Each revoked pass is revoked by one hash type only.
{
	echo "# revocations of the fixture bundle: one pass per hash type"
	pc hash -type UCI passes/revoked-uci.txt
	pc hash -type COUNTRYCODEUCI passes/revoked-countrycodeuci.txt
	pc hash -type SIGNATURE passes/revoked-signature.txt
} >revocations.txt

pc bundle build -key keys/bundle.key -seq 1 -issued-at 2021-12-10T00:00:00Z -valid-for 7d \
	-cert keys/dsc.crt -cert keys/dsc-rsa.crt -cert keys/dsc-tests.crt \
	-revocations revocations.txt -preset kr-2021-12 -authority-pub keys/authority.pub -out bundle.bin

cat >passes/expected.json <<'EOF'
{
  "vaccination-valid":        {"status": "valid", "reasons": []},
  "vaccination-ps256":        {"status": "valid", "reasons": []},
  "vaccination-booster":      {"status": "valid", "reasons": []},
  "vaccination-uncompressed": {"status": "valid", "reasons": []},
  "vaccination-too-old":      {"status": "not-valid", "reasons": ["rule-failed", "VR-KR-0003"]},
  "vaccination-too-recent":   {"status": "not-valid", "reasons": ["rule-failed", "VR-KR-0002"]},
  "vaccination-incomplete":   {"status": "not-valid", "reasons": ["rule-failed", "VR-KR-0001"]},
  "test-pcr-valid":           {"status": "valid", "reasons": []},
  "test-pcr-too-old":         {"status": "not-valid", "reasons": ["rule-failed", "TR-KR-0003"]},
  "test-rat":                 {"status": "not-valid", "reasons": ["rule-failed", "TR-KR-0002"]},
  "test-positive":            {"status": "not-valid", "reasons": ["rule-failed", "TR-KR-0001"]},
  "recovery-valid":           {"status": "valid", "reasons": []},
  "recovery-expired":         {"status": "not-valid", "reasons": ["rule-failed", "RR-KR-0001"]},
  "expired":                  {"status": "not-valid", "reasons": ["expired"]},
  "not-yet-valid":            {"status": "not-valid", "reasons": ["not-yet-valid"]},
  "revoked-uci":              {"status": "not-valid", "reasons": ["revoked"]},
  "revoked-countrycodeuci":   {"status": "not-valid", "reasons": ["revoked"]},
  "revoked-signature":        {"status": "not-valid", "reasons": ["revoked"]},
  "wrong-key-usage":          {"status": "not-valid", "reasons": ["wrong-key-usage"]},
  "unknown-kid":              {"status": "not-valid", "reasons": ["unknown-issuer"]},
  "forged-signature":         {"status": "not-valid", "reasons": ["bad-signature"]},
  "tampered":                 {"status": "not-valid", "reasons": ["bad-signature"]},
  "truncated":                {"status": "not-valid", "reasons": ["malformed"]},
  "zip-bomb":                 {"status": "not-valid", "reasons": ["malformed"]}
}
EOF
# Passes of the entry rules, kept out of passes/ so that the generated
# camera frames (internal/testkit/framegen), made from passes/, stay the
# same: a minor (kr-2021-12 exempts an incomplete vaccination) and a test
# of the holder of vaccination-valid (the 2G+ pair).
passr() {
	local name=$1
	shift
	pc issue "$@" -out "passes-rules/$name.txt" -png "passes-rules/$name.png"
}
passr vaccination-minor "${vac[@]}" "${minor[@]}" -dose 1 -doses 2 -date 2021-11-20
passr test-pcr-hong "${tst[@]}" "${hong[@]}" -test pcr -sampled 2021-12-13T09:00:00+09:00
cat >passes-rules/expected.json <<'EOF'
{
  "vaccination-minor": {"status": "valid", "reasons": []},
  "test-pcr-hong":     {"status": "valid", "reasons": []}
}
EOF
echo "fixtures written: $(ls passes/*.txt | wc -l) passes, bundle.bin"
