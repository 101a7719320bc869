package store_test

import (
	"testing"
	"time"

	"github.com/passgate/passgate/store"
)

func TestBundleMeta(t *testing.T) {
	o := testOptions(t)
	db := mustOpen(t, o)
	if _, ok, err := db.BundleMeta(); ok || err != nil {
		t.Fatalf("new register: bundle metadata %v, %v", ok, err)
	}
	want := store.BundleMeta{Sequence: 42, Issued: testNow.Add(-time.Hour).UTC(), ValidUntil: testNow.Add(48 * time.Hour).UTC(),
		SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
	if err := db.SetBundleMeta(want); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpen(t, o)
	got, ok, err := db.BundleMeta()
	if err != nil || !ok || got != want {
		t.Errorf("BundleMeta after reopening = %+v, %v, %v; want %+v", got, ok, err, want)
	}
}
