package migrations

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// specTables are the tables SCHEMA.md defines; a guard against a comparison
// that passes because both descriptions came out empty.
var specTables = []string{"certifications", "companies", "education", "generated_documents", "jobs",
	"profiles", "quota_usage", "quota_usage_history", "users", "work_experiences"}

// tablesOf returns the sorted names of the user tables in a description.
func tablesOf(desc []string) []string {
	var out []string
	for _, line := range desc {
		if name, ok := strings.CutPrefix(line, "table "); ok && strings.Contains(line, "autoincrement=") {
			out = append(out, name[:strings.Index(name, ":")])
		}
	}
	return out
}

// onTables keeps the lines of a description that concern the named tables:
// the tables themselves and their indexes and triggers.
func onTables(desc, tables []string) []string {
	var out []string
	for _, line := range desc {
		m := objectTable.FindStringSubmatch(line)
		if m != nil && slices.Contains(tables, m[1]+m[2]) {
			out = append(out, line)
		}
	}
	return out
}

var objectTable = regexp.MustCompile(`^(?:table (\S+):|\S+ \S+ on (\S+):)`)

func TestSchemaMatchesSpec(t *testing.T) {
	ctx := context.Background()
	want := describe(t, specDB(t, specSQL(t)))
	if got := tablesOf(want); !slices.Equal(got, specTables) {
		t.Fatalf("SCHEMA.md defines tables %v, want %v", got, specTables)
	}
	known, err := SQLite.Migrations()
	if err != nil {
		t.Fatal(err)
	}

	// The initial migration creates exactly SCHEMA.md.
	db := openTestDB(t)
	if err := SQLite.up(ctx, db, known[:1]); err != nil {
		t.Fatal(err)
	}
	if d := diff(want, describe(t, db)); d != "" {
		t.Errorf("schema after 00001 differs from testdata/SCHEMA.md (- spec, + migrated):\n%s", d)
	}

	// Later migrations may add tables, but the tables of SCHEMA.md keep their
	// columns, constraints, indexes and triggers.
	if err := SQLite.up(ctx, db, known); err != nil {
		t.Fatal(err)
	}
	latest := describe(t, db)
	if d := diff(want, onTables(latest, specTables)); d != "" {
		t.Errorf("after the latest migration the tables of SCHEMA.md changed (- spec, + migrated):\n%s", d)
	}
	if got := tablesOf(latest); len(got) < len(specTables) {
		t.Errorf("latest schema has tables %v", got)
	}
}

// TestDescribeDetectsDrift proves the comparison above can fail: each change
// to the spec, however small, must show up in the description.
func TestDescribeDetectsDrift(t *testing.T) {
	spec := specSQL(t)
	base := describe(t, specDB(t, spec))
	tests := []struct{ name, old, new string }{
		{"index order", "jobs(user_id, created_at DESC)", "jobs(user_id, created_at)"},
		{"index uniqueness", "CREATE UNIQUE INDEX idx_jobs_user_id_source_url", "CREATE INDEX idx_jobs_user_id_source_url"},
		{"index columns", "idx_quota_usage_user_id_type_period ON quota_usage(user_id, quota_type, period_start, period_end)",
			"idx_quota_usage_user_id_type_period ON quota_usage(user_id, quota_type, period_start)"},
		{"missing index", "CREATE INDEX idx_jobs_title ON jobs(title);", ""},
		{"on delete", "FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE SET NULL);\nCREATE INDEX idx_quota_history",
			"FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE CASCADE);\nCREATE INDEX idx_quota_history"},
		{"foreign key target", "FOREIGN KEY (company_id) REFERENCES companies(id)", "FOREIGN KEY (company_id) REFERENCES users(id)"},
		{"default", "industry INTEGER DEFAULT 64", "industry INTEGER DEFAULT 0"},
		{"not null", "title TEXT NOT NULL,\n  description", "title TEXT,\n  description"},
		{"type", "match_score INTEGER,", "match_score REAL,"},
		{"check", "match_score <= 100", "match_score <= 1000"},
		{"autoincrement", "CREATE TABLE companies (\n  id INTEGER PRIMARY KEY AUTOINCREMENT", "CREATE TABLE companies (\n  id INTEGER PRIMARY KEY"},
		{"column unique", "user_id INTEGER NOT NULL UNIQUE", "user_id INTEGER NOT NULL"},
		{"trigger", "VALUES (NEW.id, CURRENT_TIMESTAMP)", "VALUES (NEW.id, '2000-01-01')"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Count(spec, tt.old) != 1 {
				t.Fatalf("SCHEMA.md has %d copies of %q, want 1", strings.Count(spec, tt.old), tt.old)
			}
			changed := describe(t, specDB(t, strings.Replace(spec, tt.old, tt.new, 1)))
			if diff(base, changed) == "" {
				t.Errorf("replacing %q with %q went unnoticed", tt.old, tt.new)
			}
		})
	}
	t.Run("formatting is not drift", func(t *testing.T) {
		reformatted := strings.ReplaceAll(spec, "\n  ", "\n\t\t")
		reformatted = strings.ReplaceAll(reformatted, "CREATE TABLE", "create table")
		if d := diff(base, describe(t, specDB(t, reformatted))); d != "" {
			t.Errorf("reformatting changed the description:\n%s", d)
		}
	})
}

// TestSpecCopyIsCurrent checks testdata/SCHEMA.md against the shared original
// when the original is present next to the repository.
func TestSpecCopyIsCurrent(t *testing.T) {
	copyMD, err := os.ReadFile(filepath.Join("testdata", "SCHEMA.md"))
	if err != nil {
		t.Fatal(err)
	}
	candidates := []string{"/work/shared/SCHEMA.md"}
	if root, err := repoRoot(); err == nil {
		candidates = append(candidates, filepath.Join(root, "..", "shared", "SCHEMA.md"))
	}
	checked := 0
	for _, path := range candidates {
		original, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if !bytes.Equal(original, copyMD) {
			t.Errorf("%s differs from migrations/testdata/SCHEMA.md: copy it over and add a migration for the change", path)
		}
	}
	if checked == 0 {
		t.Skipf("no shared SCHEMA.md at %v", candidates)
	}
}

// repoRoot returns the nearest directory above the working directory that
// holds go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

func TestUpDownUp(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	if err := Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	first := describe(t, db)

	known, err := SQLite.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if err := Down(ctx, db, len(known)); err != nil {
		t.Fatal(err)
	}
	if left := describe(t, db); len(left) != 0 {
		t.Errorf("down left schema objects behind:\n%s", strings.Join(left, "\n"))
	}
	tables := queryStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if !slices.Equal(tables, []string{"schema_migrations"}) {
		t.Errorf("tables after down = %v, want only schema_migrations", tables)
	}
	assertApplied(t, db, nil)

	if err := Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	if d := diff(first, describe(t, db)); d != "" {
		t.Errorf("up, down, up changed the schema (- first up, + second up):\n%s", d)
	}
}

func TestUpTwiceIsNoop(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)

	before, err := Status(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	known, err := SQLite.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != len(known) || len(known) == 0 {
		t.Fatalf("Status on a fresh database = %+v, want the %d known migrations", before, len(known))
	}
	for _, s := range before {
		if s.Applied || !s.AppliedAt.IsZero() {
			t.Errorf("fresh database reports %+v as applied", s)
		}
	}

	if err := Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	first, err := Status(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	schema := describe(t, db)
	if err := Up(ctx, db); err != nil {
		t.Fatalf("second Up: %v", err)
	}
	second, err := Status(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first, second) {
		t.Errorf("second Up changed the status:\n%+v\n%+v", first, second)
	}
	if d := diff(schema, describe(t, db)); d != "" {
		t.Errorf("second Up changed the schema:\n%s", d)
	}
	for i, s := range second {
		if s.Version != known[i].Version || s.Name != known[i].Name || !s.Applied || s.AppliedAt.IsZero() {
			t.Errorf("status %d = %+v, want version %d (%s) applied with a time", i, s, known[i].Version, known[i].Name)
		}
	}
	if second[0].Version != 1 || second[0].Name != "initial" {
		t.Errorf("first migration = %d %s, want 1 initial", second[0].Version, second[0].Name)
	}
}

func TestRefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	if err := Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name) VALUES (99999, 'from_the_future')`); err != nil {
		t.Fatal(err)
	}
	if err := Up(ctx, db); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Up = %v, want ErrSchemaTooNew", err)
	}
	before := describe(t, db)
	if err := Down(ctx, db, 1); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Down = %v, want ErrSchemaTooNew", err)
	}
	if d := diff(before, describe(t, db)); d != "" {
		t.Errorf("refused Down still changed the schema:\n%s", d)
	}
	st, err := Status(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if last := st[len(st)-1]; last.Version != 99999 || last.Name != "from_the_future" || !last.Applied {
		t.Errorf("Status does not list the unknown version: %+v", st)
	}
}

// testMigrations returns three small migrations; the third's up fails halfway.
func testMigrations() []Migration {
	return []Migration{
		{Version: 1, Name: "a", Up: "CREATE TABLE a (id INTEGER);", Down: "DROP TABLE a;"},
		{Version: 2, Name: "b", Up: "CREATE TABLE b (id INTEGER);", Down: "DROP TABLE b;"},
		{Version: 3, Name: "broken", Up: "CREATE TABLE c (id INTEGER); CREATE TABLE a (id INTEGER);", Down: "DROP TABLE c;"},
	}
}

// assertApplied fails unless exactly the versions want are recorded.
func assertApplied(t *testing.T, db *sql.DB, want []string) {
	t.Helper()
	if got := queryStrings(t, db, `SELECT version FROM schema_migrations ORDER BY version`); !slices.Equal(got, want) {
		t.Errorf("recorded versions = %v, want %v", got, want)
	}
}

func TestFailedMigrationLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	err := SQLite.up(ctx, db, testMigrations())
	if err == nil || !strings.Contains(err.Error(), "up 00003_broken") {
		t.Fatalf("up = %v, want an error naming 00003_broken", err)
	}
	tables := queryStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if want := []string{"a", "b", "schema_migrations"}; !slices.Equal(tables, want) {
		t.Errorf("tables = %v, want %v (c must be rolled back with its migration)", tables, want)
	}
	assertApplied(t, db, []string{"1", "2"})
}

func TestDownSteps(t *testing.T) {
	ctx := context.Background()
	migs := testMigrations()[:2]
	tests := []struct {
		steps      int
		wantTables []string
		wantErr    bool
	}{
		{steps: 0, wantTables: []string{"a", "b", "schema_migrations"}, wantErr: true},
		{steps: 1, wantTables: []string{"a", "schema_migrations"}},
		{steps: 2, wantTables: []string{"schema_migrations"}},
		{steps: 10, wantTables: []string{"schema_migrations"}},
	}
	for _, tt := range tests {
		t.Run(strings.Repeat("I", tt.steps), func(t *testing.T) {
			db := openTestDB(t)
			if err := SQLite.up(ctx, db, migs); err != nil {
				t.Fatal(err)
			}
			if err := SQLite.down(ctx, db, migs, tt.steps); (err != nil) != tt.wantErr {
				t.Fatalf("down(%d) = %v, want error %t", tt.steps, err, tt.wantErr)
			}
			tables := queryStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
			if !slices.Equal(tables, tt.wantTables) {
				t.Errorf("tables = %v, want %v", tables, tt.wantTables)
			}
		})
	}
}

func TestParse(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int
		wantErr string
	}{
		{"sorted by number", fstest.MapFS{
			"d/00010_ten.up.sql": file("x"), "d/00010_ten.down.sql": file("x"),
			"d/00002_two.up.sql": file("x"), "d/00002_two.down.sql": file("x"),
		}, []int{2, 10}, ""},
		{"missing down", fstest.MapFS{"d/00001_a.up.sql": file("x")}, nil, "needs both"},
		{"bad name", fstest.MapFS{"d/1-a.up.sql": file("x")}, nil, "name is not"},
		{"version zero", fstest.MapFS{"d/00000_a.up.sql": file("x"), "d/00000_a.down.sql": file("x")}, nil, "from 1"},
		{"two up files", fstest.MapFS{"d/1_a.up.sql": file("x"), "d/01_a.up.sql": file("x")}, nil, "two up files"},
		{"two names", fstest.MapFS{"d/00001_a.up.sql": file("x"), "d/00001_b.down.sql": file("x")}, nil, "two names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(tt.fsys, "d")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parse = %v, want error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var versions []int
			for _, m := range got {
				versions = append(versions, m.Version)
			}
			if !slices.Equal(versions, tt.want) {
				t.Errorf("versions = %v, want %v", versions, tt.want)
			}
		})
	}
	if _, err := Dialect("oracle").Migrations(); err == nil {
		t.Error("an unknown dialect has migrations")
	}
}
