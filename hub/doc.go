// Package hub is the server kiosks sync with: it hands out the signed trust
// bundle (whole, or as a head and content-addressed segments so a kiosk
// fetches only what changed) and takes in the entries kiosks recorded,
// authenticated per kiosk with a bearer token.
//
// The hub is never on the path between a pass shown and a verdict: a kiosk
// verifies offline and pushes later. So the hub's job under load is to stay
// up and say "come back later" (503 with Retry-After) rather than queue
// without bound, and its job with data is that nothing acknowledged is lost
// (an ack is sent after the bbolt commit, fsync'd) and nothing resent is
// stored twice (entries are keyed by id).
//
// Storage is behind the Store interface; Bolt is the embedded
// implementation (one bbolt file in a data directory). Server is the HTTP
// API. Publish checks a bundle before it goes to the store; the store itself
// takes whatever it is given. The hub holds no global state: metrics go to
// a registry in Options, the clock is Server.Now.
//
// # API
//
//	GET  /v1/bundle                  the published bundle. ETag: "<sha256 hex of
//	                                 the bundle>" (strong; the same whatever the
//	                                 encoding, so a kiosk can compute it from the
//	                                 file it holds); If-None-Match → 304;
//	                                 gzip when accepted and smaller; Range;
//	                                 X-Bundle-Sequence: N. 404 before any publish.
//	GET  /v1/bundle/head             header + manifest + signature, no segments
//	                                 (bundle.Head); same ETag as the bundle.
//	GET  /v1/bundle/segments/{sha}   one revocation segment by its SHA-256 (64 hex
//	                                 digits), immutable; 404 if not in the
//	                                 published bundle.
//	POST /v1/entries                 Authorization: Bearer TOKEN; body entry.Batch
//	                                 (≤ entry.MaxBatch entries, ≤ Options.MaxBody
//	                                 bytes, plain or Content-Encoding: gzip);
//	                                 reply entry.Ack.
//	GET  /healthz                    200 {"status":"ok"|"overloaded","bundle":{...}|null,
//	                                 "limits":{pools and connections in use}}
//	GET  /metrics                    Prometheus text format; off loopback only with
//	                                 Options.MetricsToken as bearer token
//
// A kiosk syncs its bundle with GET /v1/bundle and If-None-Match; to save
// bytes on a large bundle it gets the head, calls bundle.Assemble with
// the segments of the bundle it holds, fetches the missing ones, assembles
// again and checks the result with bundle.Load.
//
// In a batch each entry is judged alone: a malformed one, or one whose venue
// or kiosk is not the token's, is listed in Ack.Rejected with the reason and
// the others are stored. A batch as a whole gets an error status (see
// statusOf): 400 unreadable, 401 no valid token (a revoked kiosk's
// included), 408 a body slower than Options.MinRate, 413 too many entries
// or bytes, 429 the token has Options.MaxPerToken requests in flight, 503
// overloaded (429 and 503 with Retry-After in seconds), 500 storage
// failure (nothing acknowledged). Bundle pulls and authenticated requests
// have pools of their own; every reply must go out at MinRate.
// Errors have the body {"error": "..."}.
package hub
