package pgtest

import "errors"

// StartCluster starts a throwaway cluster of the caller's own, outside a
// test: for a program that drives PostgreSQL as the tests do, restarts
// included (bench/lunchtime). It has the settings of the test binary's
// cluster (a Unix socket, no TCP, fsync off, as nobody when run as root)
// and is not the one Database and Cluster use. The caller stops it with
// Close; the watchdog stops it and removes its directory if the program
// dies first.
func StartCluster() (*Server, error) {
	bin, why := findBin()
	if bin == "" {
		return nil, errors.New("pgtest: " + why)
	}
	return start(bin)
}

// Close stops a cluster of StartCluster and removes its directory. The
// test binary's cluster is Main's to stop: never Close it.
func (s *Server) Close() error { return s.shutdown() }
