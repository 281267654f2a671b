package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	_ "github.com/glebarez/go-sqlite" // registers the "sqlite" driver
)

// openTestDB opens a fresh SQLite file in t.TempDir with foreign keys on.
func openTestDB(t *testing.T) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	return db
}

// specSQL returns the ```sql blocks of testdata/SCHEMA.md.
func specSQL(t *testing.T) string {
	t.Helper()
	md, err := os.ReadFile(filepath.Join("testdata", "SCHEMA.md"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, m := range regexp.MustCompile("(?ms)^```sql\n(.*?)^```").FindAllStringSubmatch(string(md), -1) {
		blocks = append(blocks, m[1])
	}
	if len(blocks) == 0 {
		t.Fatal("testdata/SCHEMA.md has no ```sql block")
	}
	return strings.Join(blocks, "\n")
}

// specDB returns a fresh database built by executing schema on it directly.
func specDB(t *testing.T, schema string) *sql.DB {
	t.Helper()
	db := openTestDB(t)
	if _, err := db.Exec(schema); err != nil {
		t.Fatalf("executing SCHEMA.md: %v", err)
	}
	return db
}

// describe returns a normalised, sorted description of every table, column,
// foreign key, CHECK constraint, index, trigger and view in db, leaving out
// SQLite's internal tables and schema_migrations.
func describe(t *testing.T, db *sql.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	type object struct{ typ, name, table, sql string }
	var objects []object
	rows, err := db.QueryContext(ctx, `SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' AND tbl_name != 'schema_migrations' ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.typ, &o.name, &o.table, &o.sql); err != nil {
			t.Fatal(err)
		}
		objects = append(objects, o)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()

	for _, o := range objects {
		norm := normalizeSQL(o.sql)
		switch o.typ {
		case "table":
			var withoutRowid, strict int
			queryRow(t, db, []any{&withoutRowid, &strict}, `SELECT wr, strict FROM pragma_table_list WHERE schema = 'main' AND name = ?`, o.name)
			add("table %s: autoincrement=%t without_rowid=%d strict=%d", o.name,
				regexp.MustCompile(`\bautoincrement\b`).MatchString(norm), withoutRowid, strict)
			for _, r := range queryStrings(t, db, `SELECT printf('column %02d %s %s notnull=%d default=%s pk=%d hidden=%d',
				cid, name, upper(type), "notnull", COALESCE(dflt_value, '<none>'), pk, hidden) FROM pragma_table_xinfo(?)`, o.name) {
				add("table %s: %s", o.name, r)
			}
			for _, r := range queryStrings(t, db, `SELECT printf('foreign key (%s) references %s(%s) on update %s on delete %s match %s',
				group_concat("from", ','), "table", group_concat("to", ','), on_update, on_delete, match)
				FROM (SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq) GROUP BY id`, o.name) {
				add("table %s: %s", o.name, r)
			}
			for _, c := range checks(norm) {
				add("table %s: %s", o.name, c)
			}
			for _, idx := range queryStrings(t, db, `SELECT name FROM pragma_index_list(?)`, o.name) {
				var unique, partial int
				var origin string
				queryRow(t, db, []any{&unique, &origin, &partial},
					`SELECT "unique", origin, partial FROM pragma_index_list(?) WHERE name = ?`, o.name, idx)
				cols := queryStrings(t, db, `SELECT printf('%s %s collate %s', COALESCE(name, '<expr>'),
					CASE "desc" WHEN 1 THEN 'DESC' ELSE 'ASC' END, coll) FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno`, idx)
				line := fmt.Sprintf("index %s on %s: unique=%d origin=%s partial=%d (%s)",
					idx, o.name, unique, origin, partial, strings.Join(cols, ", "))
				if partial == 1 || slices.ContainsFunc(cols, func(c string) bool { return strings.HasPrefix(c, "<expr>") }) {
					var sqlText string
					queryRow(t, db, []any{&sqlText}, `SELECT COALESCE(sql, '') FROM sqlite_master WHERE name = ?`, idx)
					line += " sql: " + normalizeSQL(sqlText)
				}
				add("%s", line)
			}
		case "index":
			// Described with its table, from PRAGMA index_list and index_xinfo.
		case "trigger", "view":
			add("%s %s on %s: %s", o.typ, o.name, o.table, norm)
		default:
			t.Fatalf("unexpected schema object %s %s", o.typ, o.name)
		}
	}
	slices.Sort(out)
	return out
}

// queryStrings returns the first column of every row of query.
func queryStrings(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// queryRow scans the single row of query into dest.
func queryRow(t *testing.T, db *sql.DB, dest []any, query string, args ...any) {
	t.Helper()
	if err := db.QueryRow(query, args...).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// normalizeSQL strips comments, lower-cases everything outside quotes and
// reduces whitespace, so formatting differences are not reported as drift.
func normalizeSQL(s string) string {
	var b strings.Builder
	var last byte // last byte written
	space := false
	sep := func(c byte) { // writes the pending space unless punctuation makes it moot
		if space && last != 0 && last != '(' && last != ',' && !strings.ContainsRune("(),;", rune(c)) {
			b.WriteByte(' ')
		}
		space = false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			space = true
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			if end := strings.Index(s[i+2:], "*/"); end >= 0 {
				i += end + 3
			} else {
				i = len(s)
			}
			space = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			space = true
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(s) && s[j] != c {
				j++
			}
			sep(c)
			j = min(j, len(s)-1)
			b.WriteString(s[i : j+1])
			last, i = s[j], j
		default:
			sep(c)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			last = c
		}
	}
	return strings.TrimSuffix(b.String(), ";")
}

// checks returns the CHECK constraints of a normalised CREATE TABLE.
func checks(norm string) []string {
	var out []string
	for _, loc := range regexp.MustCompile(`\bcheck\(`).FindAllStringIndex(norm, -1) {
		depth, end := 0, len(norm)
		for i := loc[1] - 1; i < len(norm); i++ {
			if norm[i] == '(' {
				depth++
			} else if norm[i] == ')' {
				if depth--; depth == 0 {
					end = i + 1
					break
				}
			}
		}
		out = append(out, norm[loc[0]:end])
	}
	return out
}

// diff describes how got differs from want, one line per difference.
func diff(want, got []string) string {
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "- %s\n", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "+ %s\n", g)
		}
	}
	return b.String()
}
