package pgstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

// EnvBench10M runs BenchmarkQuery10M, which loads 10 million entries
// (PASSGATE_BENCH_ENTRIES changes how many): minutes, and gigabytes of
// disk.
const EnvBench10M = "PASSGATE_BENCH_10M"

// Venues and days of BenchmarkQuery10M's entries.
const (
	benchVenues = 3000
	benchDays   = 30
)

// bctx is the benchmark's context.
var bctx = context.Background()

// benchStart is the first day of BenchmarkQuery10M's entries (UTC).
var benchStart = time.Date(2021, 11, 14, 0, 0, 0, 0, time.UTC)

// BenchmarkQuery10M is the health authority's venue-window query (every
// entry at one venue in a 2-hour window) over 10 million entries: 3000
// venues of 3 kiosks, 30 days, half of each day's entries in the 3 hours
// of lunch (11:00-14:00 in Seoul), the rest spread over the day. One op
// is one query, through the store (QueryEntries: every entry read and
// decoded), a venue and a window at random each time; it reports the
// median and 95th percentile, and prints EXPLAIN (ANALYZE, BUFFERS) of
// the query, with the parameters (a custom plan: partitions pruned at
// plan time) and as a generic plan (pruned when it starts). hourly is
// HourlyCounts of one venue over a day.
//
//	PASSGATE_BENCH_10M=1 go test -run '^$' -bench Query10M -benchtime 400x -timeout 60m ./hub/pgstore
func BenchmarkQuery10M(b *testing.B) {
	if os.Getenv(EnvBench10M) != "1" {
		b.Skipf("loads 10 million entries: set %s=1 to run it", EnvBench10M)
	}
	n := 10_000_000
	if s := os.Getenv("PASSGATE_BENCH_ENTRIES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < benchDays {
			b.Fatalf("PASSGATE_BENCH_ENTRIES=%q: want a number of entries, %d or more", s, benchDays)
		}
	}
	url := pgtest.Database(b)
	st, err := Open(bctx, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	start := time.Now()
	if err := load(bctx, st, n); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d entries (%d venues, %d days) in %s", n, benchVenues, benchDays, time.Since(start).Round(time.Second))
	sizes(b, st, n)

	r := rand.New(rand.NewPCG(1, 2))
	// window is a 2-hour window at a random venue: on a random day, from
	// 10:00 to 15:00 in Seoul, where half the entries are.
	window := func() hub.Query {
		from := benchStart.AddDate(0, 0, r.IntN(benchDays)).Add(time.Hour + time.Duration(r.IntN(180))*time.Minute)
		return hub.Query{Venue: benchVenue(r.IntN(benchVenues)), From: from, To: from.Add(2 * time.Hour)}
	}
	explain(b, st, window())

	b.Run("venue-window", func(b *testing.B) {
		var took []time.Duration
		entries := 0
		for b.Loop() {
			q := window()
			t := time.Now()
			err := st.QueryEntries(bctx, q, func(entry.Entry) error { entries++; return nil })
			took = append(took, time.Since(t))
			if err != nil {
				b.Fatal(err)
			}
		}
		report(b, took, entries)
	})
	b.Run("hourly", func(b *testing.B) {
		var took []time.Duration
		counted := 0
		for b.Loop() {
			q := window()
			day := q.From.Truncate(24 * time.Hour)
			t := time.Now()
			cs, err := st.HourlyCounts(bctx, q.Venue, day, day.Add(24*time.Hour))
			took = append(took, time.Since(t))
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range cs {
				counted += c.Entries
			}
		}
		report(b, took, counted)
	})
}

func benchVenue(i int) string { return fmt.Sprintf("venue-%05d", i) }

// report reports the median and 95th percentile of the times, and the
// entries an op gave.
func report(b *testing.B, took []time.Duration, entries int) {
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(took[len(took)/2]), "ms-median")
	b.ReportMetric(ms(took[len(took)*95/100]), "ms-p95")
	b.ReportMetric(ms(took[len(took)-1]), "ms-max")
	b.ReportMetric(float64(entries)/float64(len(took)), "entries/op")
	b.ReportMetric(0, "ns/op") // the median says it better
}

// load fills the store with n entries in the days' partitions, a day per
// INSERT … SELECT from generate_series: ids are ULIDs of the time (its
// milliseconds in the first 6 bytes), entry_time within a second after
// it, as a kiosk's are.
func load(ctx context.Context, s *Store, n int) error {
	var days []int64
	for d := range benchDays {
		days = append(days, benchStart.AddDate(0, 0, d).Unix()/86400)
	}
	if err := s.ensureParts(ctx, days); err != nil {
		return err
	}
	perDay := n / benchDays
	for d, day := range days {
		rows := perDay
		if d == len(days)-1 {
			rows = n - perDay*(benchDays-1)
		}
		// ms: half the rows at lunch (02:00-05:00 UTC), half over the day.
		_, err := s.pool.Exec(ctx, fmt.Sprintf(`
			INSERT INTO entries (time, entry_time, id, entry_time_ns, venue, kiosk, method, outcome, format, type, country, holder)
			SELECT t, t + (random() * interval '1 second'), (lpad(to_hex(ms), 12, '0') || substr(md5(i::text || 'id'), 1, 20))::uuid,
				(random() * 999)::int2, venue, venue || '-k' || (i %% 3), 'camera', 'admitted', 'eu-dcc', 'v', 'KR',
				md5(i::text) || md5(i::text || 'h')
			FROM (
				SELECT i, ms, to_timestamp(ms / 1000.0) AS t, 'venue-' || lpad(((hashint4(i) & 2147483647) %% %d)::text, 5, '0') AS venue
				FROM (
					SELECT i, %d::bigint * 1000 + CASE WHEN i %% 2 = 0 THEN 7200000 + (random() * 10799999)::bigint
						ELSE (random() * 86399999)::bigint END AS ms
					FROM generate_series(%d, %d) AS i
				) a
			) b`, benchVenues, day*86400, d*perDay, d*perDay+rows-1))
		if err != nil {
			return fmt.Errorf("load day %d: %w", d, err)
		}
	}
	_, err := s.pool.Exec(ctx, `ANALYZE entries`)
	return err
}

// sizes logs the bytes on disk per entry: tables, the primary key and the
// authority's index.
func sizes(b *testing.B, s *Store, n int) {
	var table, indexes, pkey int64
	err := s.pool.QueryRow(bctx, `
		SELECT (SELECT sum(pg_table_size(i.inhrelid)) FROM pg_inherits i WHERE i.inhparent = 'entries'::regclass),
			(SELECT sum(pg_indexes_size(i.inhrelid)) FROM pg_inherits i WHERE i.inhparent = 'entries'::regclass),
			(SELECT sum(pg_relation_size(x.indexrelid)) FROM pg_inherits i JOIN pg_index x ON x.indrelid = i.inhrelid
				WHERE i.inhparent = 'entries'::regclass AND x.indisprimary)`).Scan(&table, &indexes, &pkey)
	if err != nil {
		b.Fatalf("sizes: %v", err)
	}
	per := func(x int64) float64 { return float64(x) / float64(n) }
	b.Logf("bytes on disk per entry: table %.0f, primary key (time, id) %.0f, index (venue, entry_time) %.0f; in all %.0f",
		per(table), per(pkey), per(indexes-pkey), per(table+indexes))
}

// explain logs the plans of the venue-window query: as the store runs it,
// with its parameters (a custom plan: partitions pruned when planned),
// and as a generic plan (the plan a statement cached by pgx may get after
// five runs: partitions pruned when it starts).
func explain(b *testing.B, s *Store, q hub.Query) {
	conn, err := s.pool.Acquire(bctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	var out []string
	run := func(title, sql string, args ...any) {
		rows, err := conn.Query(bctx, sql, args...)
		if err != nil {
			b.Fatalf("%s: %v", title, err)
		}
		defer rows.Close()
		out = append(out, title)
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				b.Fatal(err)
			}
			out = append(out, "  "+l)
		}
		if err := rows.Err(); err != nil {
			b.Fatalf("%s: %v", title, err)
		}
	}
	args := queryArgs(q, chunk)
	at := fmt.Sprintf("venue %s from %s to %s", q.Venue, q.From.Format(time.RFC3339), q.To.Format(time.RFC3339))
	run("as the store runs it, "+at+":", `EXPLAIN (ANALYZE, BUFFERS) `+querySQL, args...)

	if _, err := conn.Exec(bctx, `PREPARE bench_q (text, timestamptz, int2, timestamptz, int2, timestamptz, timestamptz, text, int) AS `+querySQL); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(bctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		b.Fatal(err)
	}
	lit := make([]string, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case time.Time:
			lit[i] = "'" + a.Format(time.RFC3339Nano) + "'"
		case string:
			lit[i] = "'" + strings.ReplaceAll(a, "'", "''") + "'"
		default:
			lit[i] = fmt.Sprint(a)
		}
	}
	run("as a generic plan, "+at+":", `EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_q (`+strings.Join(lit, ", ")+`)`)
	conn.Exec(bctx, `RESET plan_cache_mode`)
	conn.Exec(bctx, `DEALLOCATE bench_q`)
	b.Logf("the venue-window query's plans:\n%s", strings.Join(out, "\n"))
}
