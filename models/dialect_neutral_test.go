package models

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestModelCodeIsDialectNeutral keeps SQL that only one database
// understands in the dialect files (db.go for SQLite, db_postgres.go for
// PostgreSQL): every other file of the package must run on both.
func TestModelCodeIsDialectNeutral(t *testing.T) {
	dialectFiles := map[string]bool{"db.go": true, "db_postgres.go": true}
	forbidden := regexp.MustCompile(`(?i)\bPRAGMA\b|\bstrftime\s*\(|\bdatetime\s*\(|\bjulianday\s*\(|` +
		`INSERT\s+OR\s+(IGNORE|REPLACE)|\bsqlite_master\b|\blast_insert_rowid\b|\bGLOB\b|` +
		`\bpg_[a-z_]+\s*\(|\bILIKE\b|::[a-z]+|\bgenerate_series\b|\bSERIAL\b`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || dialectFiles[f] {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for i, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			if m := forbidden.FindString(line); m != "" {
				t.Errorf("%s:%d: %q is dialect-specific SQL; move it to a dialect file", f, i+1, m)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d files", checked)
	}
}
