package hub

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/passgate/passgate/bundle"
)

// Publish checks a bundle and makes it the one kiosks get. It must be
// whole and well formed, its signature must verify with pinned (the key
// the kiosks pin), and its sequence must be above the published one's:
// kiosks refuse anything else, so publishing it would only make every
// kiosk fetch it and throw it away. The errors wrap verify's sentinels
// (ErrBundleSignature, ErrBundleRollback, ErrBundleTruncated,
// ErrBundleCorrupt, ...) and say what to do.
//
// An expired bundle is published: kiosks still use it (their trust shows as
// stale). The info returned tells, so the caller can warn.
func Publish(ctx context.Context, st Store, data []byte, pinned ed25519.PublicKey, now time.Time) (*bundle.Info, error) {
	b, err := bundle.Load(data, pinned, nil, now)
	if err != nil && !errors.Is(err, bundle.ErrExpired) {
		switch {
		case errors.Is(err, bundle.ErrSignature):
			return nil, fmt.Errorf("publish: %w (signed with another key than --bundle-key, or altered after signing)", err)
		case errors.Is(err, bundle.ErrTruncated):
			return nil, fmt.Errorf("publish: %w (%d bytes: an interrupted copy?)", err, len(data))
		}
		return nil, fmt.Errorf("publish: %w", err)
	}
	info := b.Info()
	cur, err := st.CurrentBundle(ctx)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return nil, fmt.Errorf("publish: %w", err)
	case info.Sequence <= cur.Sequence:
		return nil, fmt.Errorf("publish: %w: its sequence is %d, the published bundle's is %d; kiosks would refuse it: build it again with a sequence above %d (passctl bundle build -seq %d)",
			bundle.ErrRollback, info.Sequence, cur.Sequence, cur.Sequence, cur.Sequence+1)
	}
	if err := st.PutBundle(ctx, data, info.Sequence); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return info, nil
}
