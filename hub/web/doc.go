// Package web is the operator's page of the hub, served at / behind a
// login: the fleet (kiosks by venue, when each was last heard, its bundle
// and waiting entries, online, stale or offline), the bundle rollout, the
// check-ins per hour as an SVG chart, and adding and revoking kiosks.
//
// It is server-rendered with html/template from embedded templates and
// CSS, and needs no JavaScript. Users and sessions live in the hub's store
// (hub.UserStore), so a session made through one replica works on every
// other; the login rate limit is per replica, in memory. An admin adds
// and revokes kiosks; the health authority's role sees the same page
// read-only.
//
// It reads the store and calls its kiosk methods only; it must not keep
// state that replicas must agree on.
package web
