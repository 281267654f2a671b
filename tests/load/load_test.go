package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vega-ai/vega/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Run(m) }

// TestRunMeasuresCaptures runs a short load: every capture is a 201 and the
// report carries throughput, percentiles and the parse/store split.
func TestRunMeasuresCaptures(t *testing.T) {
	o := Options{N: 40, C: 4, Warmup: 2, Dir: t.TempDir(),
		Page: filepath.Join("..", "..", "scraper", "testdata", "jobpages", "linkedin-guest-heidi.html")}
	r, err := Run(o)
	if err != nil {
		t.Fatal(err)
	}
	if r.Errors != 0 || r.Statuses[201] != 40 || r.Throughput <= 0 || r.P99 < r.P50 || r.Parse <= 0 || r.Store <= 0 {
		t.Errorf("result = %+v", r)
	}
	if rep := r.Report(o); !strings.Contains(rep, "p99") || !strings.Contains(rep, "parse") || !strings.Contains(rep, "database: SQLite, journal_mode=wal") {
		t.Errorf("report:\n%s", rep)
	}
}

// TestRunMeasuresCapturesOnPostgres is the same short load on a PostgreSQL
// database (-database); the report names PostgreSQL and its settings.
func TestRunMeasuresCapturesOnPostgres(t *testing.T) {
	if pgtest.Off() {
		t.Skip("PostgreSQL switched off by VEGA_TEST_POSTGRES=off")
	}
	o := Options{N: 40, C: 4, Warmup: 2, Dir: t.TempDir(), Database: pgtest.NewDatabase(t),
		Page: filepath.Join("..", "..", "scraper", "testdata", "jobpages", "linkedin-guest-heidi.html")}
	r, err := Run(o)
	if err != nil {
		t.Fatal(err)
	}
	if r.Errors != 0 || r.Statuses[201] != 40 || r.Parse <= 0 || r.Store <= 0 {
		t.Errorf("result = %+v", r)
	}
	if rep := r.Report(o); !strings.Contains(rep, "database: PostgreSQL") || !strings.Contains(rep, "fsync=") {
		t.Errorf("report:\n%s", rep)
	}
}

func TestServerTimingParsesTheHeader(t *testing.T) {
	p, s, d := serverTiming("decode;dur=1.50, parse;dur=8.25, store;dur=0.75")
	if p.Microseconds() != 8250 || s.Microseconds() != 750 || d.Microseconds() != 1500 {
		t.Errorf("parse %v store %v decode %v", p, s, d)
	}
}
