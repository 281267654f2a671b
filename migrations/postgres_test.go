package migrations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vega-ai/vega/internal/pgtest"
)

// postgresURL returns the URL of a fresh, empty PostgreSQL database for t. It
// skips t, saying why, only when VEGA_TEST_POSTGRES=off; without PostgreSQL
// the test fails.
func postgresURL(t *testing.T) string {
	t.Helper()
	skipIfPostgresOff(t)
	return pgtest.NewDatabase(t)
}

// skipIfPostgresOff skips t, saying so, when VEGA_TEST_POSTGRES=off.
func skipIfPostgresOff(t *testing.T) {
	t.Helper()
	if pgtest.Off() {
		t.Skipf("PostgreSQL tests switched off by %s=off", pgtest.EnvVar)
	}
}

// openPostgres opens a connection pool on url, closed when t ends.
func openPostgres(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	return db
}

// newPostgresDB opens a fresh, empty PostgreSQL database for t.
func newPostgresDB(t *testing.T) *sql.DB {
	t.Helper()
	return openPostgres(t, postgresURL(t))
}

// knownMigrations returns the dialect's migrations, failing t on error.
func knownMigrations(t *testing.T, d Dialect) []Migration {
	t.Helper()
	known, err := d.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	return known
}

// sqliteDescriptions returns the neutral description of a SQLite database at
// every version: element k is the schema after the first k migrations.
func sqliteDescriptions(t *testing.T) [][]string {
	t.Helper()
	db := openTestDB(t)
	known := knownMigrations(t, SQLite)
	out := [][]string{neutralSQLite(t, db)}
	for k := 1; k <= len(known); k++ {
		if err := SQLite.up(context.Background(), db, known[:k]); err != nil {
			t.Fatal(err)
		}
		out = append(out, neutralSQLite(t, db))
	}
	return out
}

// sameMigrationList fails t unless both dialects have the same versions
// with the same names.
func sameMigrationList(t *testing.T) {
	t.Helper()
	name := func(m Migration) string { return fmt.Sprintf("%05d_%s", m.Version, m.Name) }
	lite, pg := knownMigrations(t, SQLite), knownMigrations(t, Postgres)
	var a, b []string
	for _, m := range lite {
		a = append(a, name(m))
	}
	for _, m := range pg {
		b = append(b, name(m))
	}
	if !slices.Equal(a, b) {
		t.Fatalf("migrations differ: sqlite has %v, postgres has %v", a, b)
	}
}

// neutralTables returns the sorted table names of a neutral description.
func neutralTables(desc []string) []string {
	var out []string
	for _, line := range desc {
		if rest, ok := strings.CutPrefix(line, "table "); ok {
			name := rest[:strings.Index(rest, ":")]
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestPostgresSchemaMatchesSQLite applies the migrations of both dialects
// one version at a time and checks that after each the two schemas have the
// same neutral description (see neutral_test.go for what is normalised).
func TestPostgresSchemaMatchesSQLite(t *testing.T) {
	ctx := context.Background()
	pg := newPostgresDB(t)
	sameMigrationList(t)
	want := sqliteDescriptions(t)

	// Guards against a comparison that passes because it sees nothing.
	latest := want[len(want)-1]
	for _, table := range append(slices.Clone(specTables), "sessions", "identities", "auth_codes", "job_details", "job_analyses", "settings") {
		if !slices.Contains(neutralTables(latest), table) {
			t.Errorf("the SQLite description has no table %s: %v", table, neutralTables(latest))
		}
	}
	for _, line := range []string{
		"behaviour: inserting a user creates 1 profile(s), 1 with timestamps",
		"trigger create_profile_after_user_insert on users: after insert for each row",
		"table jobs: check ((match_score is null) or ((match_score >= 0) and (match_score <= 100)))",
		"table sessions: check (kind in ('api', 'web'))",
		"table jobs: column 01 id type=bigint notnull=true default=<none> autoincrement=true",
		"table quota_usage_history: foreign key (job_id) references jobs(id) on update NO ACTION on delete SET NULL match SIMPLE",
		"index idx_jobs_user_id_created_at on jobs: unique=false partial=false (user_id, created_at DESC)",
		"table profiles: unique (user_id)",
		"table work_experiences: column 09 current type=boolean notnull=false default=false autoincrement=false",
	} {
		if !slices.Contains(latest, line) {
			t.Errorf("the SQLite description lacks %q", line)
		}
	}

	known := knownMigrations(t, Postgres)
	if d := diff(want[0], neutralPostgres(t, pg)); d != "" {
		t.Errorf("empty databases differ (- sqlite, + postgres):\n%s", d)
	}
	for k := 1; k <= len(known); k++ {
		if err := Postgres.up(ctx, pg, known[:k]); err != nil {
			t.Fatal(err)
		}
		if d := diff(want[k], neutralPostgres(t, pg)); d != "" {
			m := known[k-1]
			t.Errorf("after %05d_%s the PostgreSQL schema differs from SQLite's (- sqlite, + postgres):\n%s", m.Version, m.Name, d)
		}
	}

	// The profile trigger is a PL/pgSQL function on PostgreSQL.
	var lang string
	queryRow(t, pg, []any{&lang}, `SELECT l.lanname FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
		JOIN pg_language l ON l.oid = p.prolang WHERE tg.tgname = 'create_profile_after_user_insert'`)
	if lang != "plpgsql" {
		t.Errorf("the profile trigger's function is in %s, want plpgsql", lang)
	}
}

// upSQL returns the dialect's up migrations as one script.
func upSQL(t *testing.T, d Dialect) string {
	t.Helper()
	var b strings.Builder
	for _, m := range knownMigrations(t, d) {
		b.WriteString(m.Up)
		b.WriteString("\n")
	}
	return b.String()
}

// describePostgresScript runs script on a fresh PostgreSQL database and
// describes the result.
func describePostgresScript(t *testing.T, script string) []string {
	t.Helper()
	db := newPostgresDB(t)
	if _, err := db.Exec(script); err != nil {
		t.Fatalf("applying the PostgreSQL migrations: %v", err)
	}
	return neutralPostgres(t, db)
}

// TestPostgresDescribeDetectsDrift proves the comparison above can fail:
// each change to the PostgreSQL migrations, however small, must show in the
// neutral description, in a line that names what changed.
func TestPostgresDescribeDetectsDrift(t *testing.T) {
	skipIfPostgresOff(t)
	script := upSQL(t, Postgres)
	base := describePostgresScript(t, script)
	tests := []struct{ name, old, new, want string }{
		{"missing index", "CREATE INDEX idx_jobs_title ON jobs(title);\n", "", "index idx_jobs_title"},
		{"index DESC", "jobs(user_id, created_at DESC)", "jobs(user_id, created_at)", "idx_jobs_user_id_created_at"},
		{"index column order", "idx_jobs_user_id_status ON jobs(user_id, status)", "idx_jobs_user_id_status ON jobs(status, user_id)", "(status, user_id)"},
		{"index made non-unique", "CREATE UNIQUE INDEX idx_jobs_user_id_source_url", "CREATE INDEX idx_jobs_user_id_source_url", "idx_jobs_user_id_source_url on jobs: unique=false"},
		{"index made unique", "CREATE INDEX idx_sessions_family_id", "CREATE UNIQUE INDEX idx_sessions_family_id", "idx_sessions_family_id on sessions: unique=true"},
		{"partial index", "CREATE INDEX idx_jobs_status ON jobs(status);", "CREATE INDEX idx_jobs_status ON jobs(status) WHERE status > 0;", "partial=true"},
		{"expression index", "CREATE INDEX idx_jobs_status ON jobs(status);", "CREATE INDEX idx_jobs_status ON jobs((status + 1));", "(<expr>)"},
		{"index method", "CREATE INDEX idx_jobs_status ON jobs(status);", "CREATE INDEX idx_jobs_status ON jobs USING hash (status);", "using hash"},
		{"on delete CASCADE to NO ACTION", "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE);\nCREATE INDEX idx_profiles_user_id",
			"FOREIGN KEY (user_id) REFERENCES users(id));\nCREATE INDEX idx_profiles_user_id", "profiles: foreign key (user_id) references users(id) on update NO ACTION on delete NO ACTION"},
		{"on delete SET NULL to CASCADE", "FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE SET NULL);\nCREATE INDEX idx_quota_history",
			"FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE CASCADE);\nCREATE INDEX idx_quota_history", "on delete CASCADE"},
		{"on update", "FOREIGN KEY (company_id) REFERENCES companies(id)", "FOREIGN KEY (company_id) REFERENCES companies(id) ON UPDATE CASCADE", "on update CASCADE"},
		{"foreign key target", "FOREIGN KEY (company_id) REFERENCES companies(id)", "FOREIGN KEY (company_id) REFERENCES users(id)", "references users(id)"},
		{"missing foreign key", "  FOREIGN KEY (company_id) REFERENCES companies(id),\n", "", "references companies(id)"},
		{"deferrable foreign key", "FOREIGN KEY (company_id) REFERENCES companies(id)", "FOREIGN KEY (company_id) REFERENCES companies(id) DEFERRABLE INITIALLY DEFERRED", "deferrable"},
		{"NOT NULL dropped", "title TEXT NOT NULL,\n  description", "title TEXT,\n  description", "jobs: column 03 title type=text notnull=false"},
		{"NOT NULL added", "password TEXT,", "password TEXT NOT NULL,", "password type=text notnull=true"},
		{"integer default", "industry INTEGER DEFAULT 64", "industry INTEGER DEFAULT 0", "industry type=integer notnull=false default=0"},
		{"default dropped", "role TEXT NOT NULL DEFAULT 'user'", "role TEXT NOT NULL", "role type=text notnull=true default=<none>"},
		{"text default", "format TEXT NOT NULL DEFAULT 'html'", "format TEXT NOT NULL DEFAULT 'pdf'", "default='pdf'"},
		{"boolean default", "current BOOLEAN DEFAULT FALSE", "current BOOLEAN DEFAULT TRUE", "default=true"},
		{"timestamp default", "last_used_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,\n  expires_at",
			"last_used_at TIMESTAMPTZ NOT NULL DEFAULT '2000-01-01 00:00:00+00',\n  expires_at", "default='2000-01-01 00:00:00+00'"},
		{"INTEGER made BIGINT", "match_score INTEGER,", "match_score BIGINT,", "match_score type=bigint"},
		{"id made INTEGER", "user_id BIGINT NOT NULL UNIQUE", "user_id INTEGER NOT NULL UNIQUE", "profiles: column 02 user_id type=integer"},
		{"TIMESTAMPTZ made TIMESTAMP", "expires_at TIMESTAMPTZ NOT NULL,\n  revoked_at", "expires_at TIMESTAMP NOT NULL,\n  revoked_at", "type=postgres:timestamp without time zone"},
		{"TEXT made VARCHAR", "token_hash TEXT NOT NULL UNIQUE", "token_hash VARCHAR(64) NOT NULL UNIQUE", "type=postgres:character varying"},
		{"identity dropped", "CREATE TABLE companies (\n  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
			"CREATE TABLE companies (\n  id BIGINT PRIMARY KEY", "companies: column 01 id type=bigint notnull=true default=<none> autoincrement=false"},
		{"identity ALWAYS", "CREATE TABLE companies (\n  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
			"CREATE TABLE companies (\n  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "identity always"},
		{"serial", "CREATE TABLE companies (\n  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
			"CREATE TABLE companies (\n  id BIGSERIAL PRIMARY KEY", "bigint serial"},
		{"UNIQUE dropped", "user_id BIGINT NOT NULL UNIQUE", "user_id BIGINT NOT NULL", "profiles: unique (user_id)"},
		{"primary key dropped", "CREATE TABLE settings (\n  name TEXT PRIMARY KEY", "CREATE TABLE settings (\n  name TEXT NOT NULL UNIQUE", "settings: primary key (name)"},
		{"CHECK dropped", ",\n  CHECK (kind IN ('api', 'web'))", "", "sessions: check"},
		{"CHECK bound", "match_score <= 100", "match_score <= 1000", "(match_score <= 1000)"},
		{"CHECK grouping", "match_score IS NULL OR (match_score >= 0 AND match_score <= 100)",
			"(match_score IS NULL OR match_score >= 0) AND match_score <= 100", "jobs: check"},
		{"CHECK list", "kind IN ('api', 'web')", "kind IN ('api', 'web', 'cli')", "'cli'"},
		{"column added", "CREATE TABLE settings (\n  name TEXT PRIMARY KEY,", "CREATE TABLE settings (\n  name TEXT PRIMARY KEY,\n  extra TEXT,", "extra"},
		{"column order", "first_name TEXT DEFAULT '', last_name TEXT DEFAULT ''", "last_name TEXT DEFAULT '', first_name TEXT DEFAULT ''", "column 03 first_name"},
		{"table added", "CREATE TABLE settings (", "CREATE TABLE extra (id BIGINT PRIMARY KEY);\nCREATE TABLE settings (", "table extra"},
		{"view added", "CREATE TABLE settings (", "CREATE VIEW extra AS SELECT 1 AS one;\nCREATE TABLE settings (", "view extra"},
		{"trigger dropped", "CREATE TRIGGER create_profile_after_user_insert AFTER INSERT ON users FOR EACH ROW\nEXECUTE FUNCTION create_profile_after_user_insert();",
			"", "trigger create_profile_after_user_insert"},
		{"trigger events", "AFTER INSERT ON users", "AFTER INSERT OR UPDATE ON users", "after insert or update"},
		{"trigger per statement", "ON users FOR EACH ROW", "ON users FOR EACH STATEMENT", "for each statement"},
		{"trigger does nothing", "INSERT INTO profiles (user_id, created_at) VALUES (NEW.id, CURRENT_TIMESTAMP);\n  RETURN NULL;",
			"RETURN NULL;", "creates 0 profile(s)"},
		{"trigger without timestamp", "VALUES (NEW.id, CURRENT_TIMESTAMP)", "VALUES (NEW.id, NULL)", "1 profile(s), 0 with timestamps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if n := strings.Count(script, tt.old); n != 1 {
				t.Fatalf("the PostgreSQL migrations have %d copies of %q, want 1", n, tt.old)
			}
			d := diff(base, describePostgresScript(t, strings.Replace(script, tt.old, tt.new, 1)))
			if d == "" {
				t.Fatalf("replacing %q with %q went unnoticed", tt.old, tt.new)
			}
			if !strings.Contains(d, tt.want) {
				t.Errorf("replacing %q with %q: the report does not mention %q:\n%s", tt.old, tt.new, tt.want, d)
			}
		})
	}
	t.Run("formatting is not drift", func(t *testing.T) {
		t.Parallel()
		reformatted := strings.ReplaceAll(script, "\n  ", "\n\t\t")
		reformatted = strings.ReplaceAll(reformatted, "CREATE TABLE", "create table")
		reformatted = strings.ReplaceAll(reformatted, "CHECK (", "check(")
		reformatted = strings.ReplaceAll(reformatted, "NOT NULL", "not null")
		if d := diff(base, describePostgresScript(t, reformatted)); d != "" {
			t.Errorf("reformatting changed the description:\n%s", d)
		}
	})
}

// parityFixture is the data every parity case starts from: two users with a
// job each at the same URL, a company, and a row in every table that hangs
// off users or jobs. Job 1 (Ann's) is referenced by Bob's quota history and
// generated document, so deleting it or Ann exercises ON DELETE SET NULL.
var parityFixture = []string{
	`INSERT INTO users (id, username) VALUES (1, 'ann'), (2, 'bob')`,
	`INSERT INTO companies (id, name) VALUES (1, 'Acme')`,
	`INSERT INTO jobs (id, user_id, title, description, company_id, source_url) VALUES
		(1, 1, 'Dev', 'd', 1, 'https://jobs.example/1'), (2, 2, 'Ops', 'd', 1, 'https://jobs.example/1')`,
	`INSERT INTO job_details (job_id, user_id, data) VALUES (1, 1, '{}')`,
	`INSERT INTO job_analyses (job_id, user_id, score, result) VALUES (1, 1, 50, '{}')`,
	`INSERT INTO quota_usage (user_id, quota_type, period_start, period_end, limit_count)
		VALUES (1, 'ai', '2030-01-01 00:00:00', '2030-02-01 00:00:00', 10)`,
	`INSERT INTO quota_usage_history (user_id, quota_type, job_id, action) VALUES (2, 'ai', 1, 'analyse')`,
	`INSERT INTO generated_documents (user_id, job_id, document_type, content) VALUES (2, 1, 'cv', 'c')`,
	`INSERT INTO sessions (user_id, token_hash, family_id, kind, expires_at) VALUES (1, 'h1', 'f1', 'api', '2030-01-01 00:00:00')`,
	`INSERT INTO identities (user_id, provider, subject) VALUES (1, 'github', '42')`,
	`INSERT INTO auth_codes (user_id, code_hash, expires_at) VALUES (1, 'c1', '2030-01-01 00:00:00')`,
	`INSERT INTO work_experiences (profile_id, company, title, start_date)
		VALUES ((SELECT id FROM profiles WHERE user_id = 1), 'Acme', 'Dev', '2020-01-01 00:00:00')`,
	`INSERT INTO education (profile_id, institution, degree, start_date)
		VALUES ((SELECT id FROM profiles WHERE user_id = 1), 'Uni', 'BSc', '2015-01-01 00:00:00')`,
	`INSERT INTO certifications (profile_id, name, issuing_org, issue_date)
		VALUES ((SELECT id FROM profiles WHERE user_id = 1), 'Cert', 'Org', '2019-01-01 00:00:00')`,
	`INSERT INTO settings (name, value) VALUES ('secret', 's')`,
}

// parityFixtureFor returns the fixture statements for the dialect. On
// PostgreSQL an identity column's sequence does not move past ids inserted
// explicitly (SQLite's AUTOINCREMENT does), so the fixture then moves the
// sequences past its ids, as `vega migrate copy` does after copying.
func parityFixtureFor(d Dialect) []string {
	if d != Postgres {
		return parityFixture
	}
	out := slices.Clone(parityFixture)
	for _, table := range []string{"users", "companies", "jobs"} {
		out = append(out, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), MAX(id)) FROM %[1]s`, table))
	}
	return out
}

// parityStep is one statement of a parity case and whether the schema must
// reject it.
type parityStep struct {
	sql   string
	fails bool
}

// allowed and rejected build parity steps.
func allowed(sql string) parityStep  { return parityStep{sql: sql} }
func rejected(sql string) parityStep { return parityStep{sql: sql, fails: true} }

// TestDialectParity runs the same statements on a migrated SQLite and a
// migrated PostgreSQL database and checks that both schemas accept and
// reject the same ones and leave the same data behind: CHECK constraints,
// unique indexes, NOT NULL, defaults, the profile trigger, and foreign keys
// with their ON DELETE actions.
func TestDialectParity(t *testing.T) {
	tests := []struct {
		name   string
		steps  []parityStep
		checks map[string]string // query -> its single value, as text
	}{
		{"match_score CHECK", []parityStep{
			rejected(`UPDATE jobs SET match_score = 101 WHERE id = 1`),
			rejected(`UPDATE jobs SET match_score = -1 WHERE id = 1`),
			allowed(`UPDATE jobs SET match_score = 100 WHERE id = 1`),
			allowed(`UPDATE jobs SET match_score = NULL WHERE id = 2`),
		}, map[string]string{`SELECT match_score FROM jobs WHERE id = 1`: "100"}},
		{"job_analyses score CHECK", []parityStep{
			rejected(`UPDATE job_analyses SET score = 101 WHERE job_id = 1`),
			allowed(`UPDATE job_analyses SET score = 0 WHERE job_id = 1`),
		}, nil},
		{"sessions kind CHECK", []parityStep{
			rejected(`INSERT INTO sessions (user_id, token_hash, family_id, kind, expires_at) VALUES (1, 'h2', 'f1', 'cli', '2030-01-01 00:00:00')`),
			allowed(`INSERT INTO sessions (user_id, token_hash, family_id, kind, expires_at) VALUES (1, 'h2', 'f1', 'web', '2030-01-01 00:00:00')`),
		}, nil},
		{"one job per URL per user", []parityStep{
			rejected(`INSERT INTO jobs (user_id, title, description, company_id, source_url) VALUES (1, 'Dup', 'd', 1, 'https://jobs.example/1')`),
			allowed(`INSERT INTO jobs (user_id, title, description, company_id, source_url) VALUES (1, 'Other', 'd', 1, 'https://jobs.example/2')`),
			allowed(`INSERT INTO jobs (user_id, title, description, company_id) VALUES (1, 'No URL', 'd', 1)`),
			allowed(`INSERT INTO jobs (user_id, title, description, company_id) VALUES (1, 'No URL either', 'd', 1)`),
		}, map[string]string{`SELECT COUNT(*) FROM jobs WHERE user_id = 1`: "4"}},
		{"unique names and tokens", []parityStep{
			rejected(`INSERT INTO users (username) VALUES ('ann')`),
			rejected(`INSERT INTO companies (name) VALUES ('Acme')`),
			rejected(`INSERT INTO profiles (user_id) VALUES (1)`),
			rejected(`INSERT INTO sessions (user_id, token_hash, family_id, kind, expires_at) VALUES (2, 'h1', 'f2', 'api', '2030-01-01 00:00:00')`),
			rejected(`INSERT INTO identities (user_id, provider, subject) VALUES (2, 'github', '42')`),
			rejected(`INSERT INTO auth_codes (user_id, code_hash, expires_at) VALUES (2, 'c1', '2030-01-01 00:00:00')`),
			rejected(`INSERT INTO job_details (job_id, user_id, data) VALUES (1, 1, '{}')`),
			rejected(`INSERT INTO settings (name, value) VALUES ('secret', 't')`),
			allowed(`INSERT INTO identities (user_id, provider, subject) VALUES (2, 'google', '42')`),
		}, nil},
		{"NOT NULL", []parityStep{
			rejected(`INSERT INTO jobs (user_id, description, company_id) VALUES (1, 'd', 1)`),
			rejected(`UPDATE users SET role = NULL WHERE id = 1`),
			rejected(`INSERT INTO settings (name) VALUES ('x')`),
			allowed(`UPDATE users SET password = NULL WHERE id = 1`),
		}, nil},
		{"defaults and the profile trigger", nil, map[string]string{
			`SELECT role FROM users WHERE id = 1`:                                            "user",
			`SELECT status + job_type FROM jobs WHERE id = 1`:                                "0",
			`SELECT COUNT(*) FROM profiles WHERE user_id IN (1, 2)`:                          "2",
			`SELECT industry FROM profiles WHERE user_id = 1`:                                "64",
			`SELECT first_name || context FROM profiles WHERE user_id = 1`:                   "",
			`SELECT COUNT(*) FROM profiles WHERE created_at IS NULL OR updated_at IS NULL`:   "0",
			`SELECT CASE WHEN current THEN 'yes' ELSE 'no' END FROM work_experiences`:        "no",
			`SELECT format FROM generated_documents`:                                         "html",
			`SELECT user_agent || ip FROM sessions`:                                          "",
			`SELECT COUNT(*) FROM sessions WHERE created_at IS NULL OR last_used_at IS NULL`: "0",
			`SELECT used_count FROM quota_usage`:                                             "0",
		}},
		{"foreign keys enforced", []parityStep{
			rejected(`INSERT INTO jobs (user_id, title, description, company_id) VALUES (99, 't', 'd', 1)`),
			rejected(`INSERT INTO jobs (user_id, title, description, company_id) VALUES (1, 't', 'd', 99)`),
			rejected(`INSERT INTO work_experiences (profile_id, company, title, start_date) VALUES (999, 'c', 't', '2020-01-01 00:00:00')`),
			rejected(`DELETE FROM companies WHERE id = 1`), // NO ACTION: jobs still use it
		}, nil},
		{"deleting a user cascades", []parityStep{allowed(`DELETE FROM users WHERE id = 1`)}, map[string]string{
			`SELECT COUNT(*) FROM jobs WHERE user_id = 1`:                                   "0",
			`SELECT COUNT(*) FROM profiles WHERE user_id = 1`:                               "0",
			`SELECT COUNT(*) FROM work_experiences`:                                         "0",
			`SELECT COUNT(*) FROM education`:                                                "0",
			`SELECT COUNT(*) FROM certifications`:                                           "0",
			`SELECT COUNT(*) FROM quota_usage`:                                              "0",
			`SELECT COUNT(*) FROM sessions`:                                                 "0",
			`SELECT COUNT(*) FROM identities`:                                               "0",
			`SELECT COUNT(*) FROM auth_codes`:                                               "0",
			`SELECT COUNT(*) FROM job_details`:                                              "0",
			`SELECT COUNT(*) FROM job_analyses`:                                             "0",
			`SELECT COUNT(*) FROM jobs WHERE user_id = 2`:                                   "1",
			`SELECT COUNT(*) FROM quota_usage_history WHERE user_id = 2 AND job_id IS NULL`: "1",
			`SELECT COUNT(*) FROM generated_documents WHERE user_id = 2 AND job_id IS NULL`: "1",
			`SELECT COUNT(*) FROM companies`:                                                "1",
		}},
		{"deleting a job", []parityStep{allowed(`DELETE FROM jobs WHERE id = 1`)}, map[string]string{
			`SELECT COUNT(*) FROM job_details`:                              "0",
			`SELECT COUNT(*) FROM job_analyses`:                             "0",
			`SELECT COUNT(*) FROM quota_usage_history WHERE job_id IS NULL`: "1",
			`SELECT COUNT(*) FROM generated_documents WHERE job_id IS NULL`: "1",
			`SELECT COUNT(*) FROM users`:                                    "2",
		}},
		{"deleting a profile", []parityStep{allowed(`DELETE FROM profiles WHERE user_id = 1`)}, map[string]string{
			`SELECT COUNT(*) FROM work_experiences`: "0",
			`SELECT COUNT(*) FROM education`:        "0",
			`SELECT COUNT(*) FROM certifications`:   "0",
			`SELECT COUNT(*) FROM users`:            "2",
		}},
	}

	ctx := context.Background()
	for _, d := range []Dialect{SQLite, Postgres} {
		t.Run(string(d), func(t *testing.T) {
			var db *sql.DB
			if d == SQLite {
				db = openTestDB(t)
			} else {
				db = newPostgresDB(t)
			}
			if err := d.Up(ctx, db); err != nil {
				t.Fatal(err)
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					// Each case runs in a transaction that is rolled back;
					// a statement expected to fail runs inside a savepoint
					// so that PostgreSQL's transaction survives it.
					tx, err := db.BeginTx(ctx, nil)
					if err != nil {
						t.Fatal(err)
					}
					defer tx.Rollback()
					for _, s := range parityFixtureFor(d) {
						if _, err := tx.Exec(s); err != nil {
							t.Fatalf("fixture %s: %v", s, err)
						}
					}
					for _, s := range tt.steps {
						if !s.fails {
							if _, err := tx.Exec(s.sql); err != nil {
								t.Errorf("%s: %v", s.sql, err)
							}
							continue
						}
						if _, err := tx.Exec(`SAVEPOINT parity`); err != nil {
							t.Fatal(err)
						}
						if _, err := tx.Exec(s.sql); err == nil {
							t.Errorf("%s succeeded, want it rejected", s.sql)
						}
						if _, err := tx.Exec(`ROLLBACK TO SAVEPOINT parity`); err != nil {
							t.Fatal(err)
						}
					}
					for query, want := range tt.checks {
						var got sql.NullString
						if err := tx.QueryRow(query).Scan(&got); err != nil {
							t.Errorf("%s: %v", query, err)
						} else if got.String != want {
							t.Errorf("%s = %q, want %q", query, got.String, want)
						}
					}
				})
			}
		})
	}
}

// pgObjects lists what a PostgreSQL schema holds besides schema_migrations:
// relations (tables, indexes, sequences, views) and functions.
func pgObjects(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return queryStrings(t, db, `SELECT kind || ' ' || name FROM (
		SELECT 'relation' AS kind, relname::text AS name FROM pg_class
			WHERE relnamespace = current_schema()::regnamespace AND relname NOT LIKE 'schema\_migrations%'
		UNION ALL SELECT 'function', proname::text FROM pg_proc WHERE pronamespace = current_schema()::regnamespace) o
		ORDER BY 1`)
}

// TestPostgresUpDownUp migrates up, then down one step at a time, then up
// again; after every step down the schema must be SQLite's at the same
// version, at the bottom nothing but schema_migrations may be left, and the
// second up must give the schema of the first.
func TestPostgresUpDownUp(t *testing.T) {
	ctx := context.Background()
	db := newPostgresDB(t)
	want := sqliteDescriptions(t)
	known := knownMigrations(t, Postgres)
	if err := Postgres.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	first := neutralPostgres(t, db)
	if d := diff(want[len(known)], first); d != "" {
		t.Errorf("after Up the schema differs from SQLite's (- sqlite, + postgres):\n%s", d)
	}
	for k := len(known) - 1; k >= 0; k-- {
		if err := Postgres.Down(ctx, db, 1); err != nil {
			t.Fatal(err)
		}
		if d := diff(want[k], neutralPostgres(t, db)); d != "" {
			m := known[k]
			t.Errorf("after down %05d_%s the schema differs from SQLite's at version %d (- sqlite, + postgres):\n%s", m.Version, m.Name, k, d)
		}
	}
	if left := pgObjects(t, db); len(left) != 0 {
		t.Errorf("down left schema objects behind: %v", left)
	}
	assertApplied(t, db, nil)
	if err := Postgres.Down(ctx, db, 1); err != nil {
		t.Errorf("Down with nothing applied = %v, want nil", err)
	}

	if err := Postgres.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	if d := diff(first, neutralPostgres(t, db)); d != "" {
		t.Errorf("up, down, up changed the schema (- first up, + second up):\n%s", d)
	}
}

// TestPostgresStatus checks Status on a fresh, a migrated and a partly
// rolled back PostgreSQL database.
func TestPostgresStatus(t *testing.T) {
	ctx := context.Background()
	db := newPostgresDB(t)
	known := knownMigrations(t, Postgres)
	check := func(when string, applied int) {
		t.Helper()
		st, err := Postgres.Status(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != len(known) {
			t.Fatalf("%s: Status = %+v, want the %d known migrations", when, st, len(known))
		}
		for i, s := range st {
			wantApplied := i < applied
			if s.Version != known[i].Version || s.Name != known[i].Name || s.Applied != wantApplied || s.AppliedAt.IsZero() == wantApplied {
				t.Errorf("%s: status %d = %+v, want version %d (%s) applied %t", when, i, s, known[i].Version, known[i].Name, wantApplied)
			}
			if wantApplied && time.Since(s.AppliedAt).Abs() > time.Hour {
				t.Errorf("%s: %05d applied at %v, not about now", when, s.Version, s.AppliedAt)
			}
		}
	}
	check("fresh", 0)
	if err := Postgres.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	check("after Up", len(known))
	if err := Postgres.Up(ctx, db); err != nil {
		t.Fatalf("second Up: %v", err)
	}
	check("after a second Up", len(known))
	if err := Postgres.Down(ctx, db, 2); err != nil {
		t.Fatal(err)
	}
	check("after Down 2", len(known)-2)
}

// TestPostgresConcurrentUp starts two runners, each with its own connection
// pool, on one fresh database at the same moment. Without the advisory lock
// one of them would fail creating a table the other just created; with it
// both succeed and every migration is applied once.
func TestPostgresConcurrentUp(t *testing.T) {
	skipIfPostgresOff(t)
	ctx := context.Background()
	want := sqliteDescriptions(t)
	known := knownMigrations(t, Postgres)
	for round := range 3 {
		url := postgresURL(t)
		dbs := []*sql.DB{openPostgres(t, url), openPostgres(t, url)}
		errs := make([]error, len(dbs))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, db := range dbs {
			wg.Go(func() {
				<-start
				errs[i] = Postgres.Up(ctx, db)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d: runner %d: %v", round, i, err)
			}
		}
		var wantRows []string
		for _, m := range known {
			wantRows = append(wantRows, fmt.Sprintf("%d %s 1", m.Version, m.Name))
		}
		got := queryStrings(t, dbs[0], `SELECT version || ' ' || MIN(name) || ' ' || COUNT(*) FROM schema_migrations GROUP BY version ORDER BY version`)
		if !slices.Equal(got, wantRows) {
			t.Errorf("round %d: schema_migrations = %v, want %v", round, got, wantRows)
		}
		if d := diff(want[len(known)], neutralPostgres(t, dbs[1])); d != "" {
			t.Errorf("round %d: schema differs from SQLite's (- sqlite, + postgres):\n%s", round, d)
		}
	}
}

// TestPostgresMigrationLock shows that Up waits for the advisory lock: while
// another session holds it, Up changes nothing; once it is released, Up
// completes.
func TestPostgresMigrationLock(t *testing.T) {
	ctx := context.Background()
	url := postgresURL(t)
	holder, err := openPostgres(t, url).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, advisoryLockKey); err != nil {
		t.Fatal(err)
	}
	db := openPostgres(t, url)
	done := make(chan error, 1)
	go func() { done <- Postgres.Up(ctx, db) }()
	select {
	case err := <-done:
		t.Fatalf("Up returned (%v) while another session held the migration lock", err)
	case <-time.After(500 * time.Millisecond):
	}
	var exists bool
	if err := holder.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Error("Up created schema_migrations before it had the lock")
	}
	if _, err := holder.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, advisoryLockKey); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Up did not finish within 30s of the lock's release")
	}
	var held int
	if err := holder.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Errorf("%d advisory locks still held after Up", held)
	}
}

// TestPostgresRefusesNewerDatabase checks that Up and Down refuse a
// PostgreSQL database that records a version this binary does not know,
// and that Status still lists it.
func TestPostgresRefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	db := newPostgresDB(t)
	if err := Postgres.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name) VALUES (99999, 'from_the_future')`); err != nil {
		t.Fatal(err)
	}
	before := neutralPostgres(t, db)
	if err := Postgres.Up(ctx, db); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Up = %v, want ErrSchemaTooNew", err)
	}
	if err := Postgres.Down(ctx, db, 1); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Down = %v, want ErrSchemaTooNew", err)
	}
	if d := diff(before, neutralPostgres(t, db)); d != "" {
		t.Errorf("refused Up or Down still changed the schema:\n%s", d)
	}
	st, err := Postgres.Status(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if last := st[len(st)-1]; last.Version != 99999 || last.Name != "from_the_future" || !last.Applied {
		t.Errorf("Status does not list the unknown version: %+v", st)
	}
}

// TestPostgresFailedMigrationLeavesNoTrace checks that a migration failing
// halfway is rolled back with its schema_migrations row on PostgreSQL too.
func TestPostgresFailedMigrationLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	db := newPostgresDB(t)
	err := Postgres.up(ctx, db, testMigrations())
	if err == nil || !strings.Contains(err.Error(), "up 00003_broken") {
		t.Fatalf("up = %v, want an error naming 00003_broken", err)
	}
	tables := queryStrings(t, db, `SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`)
	if want := []string{"a", "b", "schema_migrations"}; !slices.Equal(tables, want) {
		t.Errorf("tables = %v, want %v (c must be rolled back with its migration)", tables, want)
	}
	assertApplied(t, db, []string{"1", "2"})
}
