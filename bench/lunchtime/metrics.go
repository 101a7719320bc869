package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// counts are a replica's counters, as its /metrics shows them.
type counts struct {
	requests float64 // passhub_requests_total, every route and status
	busy     float64 // … with code="503"
	ingested float64 // passhub_entries_ingested_total
	resent   float64 // passhub_entries_duplicate_total: acknowledged again
}

func (c counts) plus(d counts) counts {
	return counts{c.requests + d.requests, c.busy + d.busy, c.ingested + d.ingested, c.resent + d.resent}
}

// parseMetrics reads the counters from Prometheus' text format.
func parseMetrics(r io.Reader) (counts, error) {
	var c counts
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.IndexAny(line, "{ ")
		if i < 0 {
			return c, fmt.Errorf("metrics: no value in %q", line)
		}
		name, labels, rest := line[:i], "", line[i:]
		if line[i] == '{' {
			j := strings.LastIndexByte(line, '}')
			if j < i {
				return c, fmt.Errorf("metrics: malformed line %q", line)
			}
			labels, rest = line[i+1:j], line[j+1:]
		}
		fields := strings.Fields(rest) // the value, perhaps a timestamp
		if len(fields) == 0 {
			return c, fmt.Errorf("metrics: no value in %q", line)
		}
		var v *float64
		switch name {
		case "passhub_requests_total":
			v = &c.requests
		case "passhub_entries_ingested_total":
			v = &c.ingested
		case "passhub_entries_duplicate_total":
			v = &c.resent
		default:
			continue
		}
		x, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return c, fmt.Errorf("metrics: value of %q: %w", line, err)
		}
		*v += x
		if name == "passhub_requests_total" && strings.Contains(labels, `code="503"`) {
			c.busy += x
		}
	}
	return c, sc.Err()
}

// meter follows one replica's counters across its restarts: the counters
// of a process killed are what it showed last (read just before the kill),
// and the next process starts from zero.
type meter struct {
	addr string
	c    *http.Client

	mu     sync.Mutex
	done   counts // of the processes that ended
	last   counts // of the running one, as last read
	lastAt time.Time
	peak   float64 // requests a second, the most between two readings
	peakAt time.Time
	gen    int // which process: a reading begun before a restart is dropped
}

func newMeter(addr string) *meter {
	return &meter{addr: addr, c: &http.Client{Timeout: 2 * time.Second}}
}

// read scrapes the replica's /metrics (directly, not through its proxy)
// and updates the peak rate. A replica that does not answer is skipped.
func (m *meter) read(ctx context.Context) error {
	m.mu.Lock()
	gen := m.gen
	m.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+m.addr+"/metrics", nil)
	if err != nil {
		return err
	}
	resp, err := m.c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	c, err := parseMetrics(resp.Body)
	if err != nil {
		return err
	}
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if gen != m.gen || c.requests < m.last.requests {
		return nil // begun before a restart, or older than the last reading
	}
	if dt := now.Sub(m.lastAt).Seconds(); !m.lastAt.IsZero() && dt >= 0.5 {
		if rate := (c.requests - m.last.requests) / dt; rate > m.peak {
			m.peak, m.peakAt = rate, now
		}
	}
	m.last, m.lastAt = c, now
	return nil
}

// restarted says the process whose counters were read last ended at t
// (killed): the next process counts from zero.
func (m *meter) restarted(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done = m.done.plus(m.last)
	m.last, m.lastAt = counts{}, t
	m.gen++
}

// total is every process's counters together, and the peak rate.
func (m *meter) total() (counts, float64, time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.done.plus(m.last), m.peak, m.peakAt
}

// watch reads the meters every second until ctx ends.
func watch(ctx context.Context, ms []*meter) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var wg sync.WaitGroup
		for _, m := range ms {
			wg.Go(func() { m.read(ctx) })
		}
		wg.Wait()
	}
}
