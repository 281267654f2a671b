// Package dbcopy copies a Vega database from SQLite to PostgreSQL: every
// table, every row, ids kept, in one PostgreSQL transaction. It is what
// `vega migrate copy` runs.
//
// How it decides:
//
//   - Tables: every table of the source (sqlite_master) except
//     schema_migrations and SQLite's own sqlite_* tables. The target must
//     have each of them with each of its columns, or nothing is copied.
//   - Order: a table is copied after every table its foreign keys reference
//     (the target's foreign keys, those PostgreSQL enforces), otherwise in
//     the source's creation order: users, companies, jobs, profiles, ...
//   - All or nothing: the source is read in one read transaction, one
//     snapshot. The target is written in one transaction that locks every
//     table against other writers, checks that all are empty (ErrNotEmpty
//     otherwise), and commits only if every table then holds as many rows
//     as the source's. Any error rolls it all back.
//   - Triggers: the target's own triggers (the one that gives each new user
//     a profile) are disabled during the copy, since the rows they would add
//     are in the source already, and enabled again before commit. DDL is
//     transactional in PostgreSQL, so a failed copy leaves them as they were.
//   - Ids: copied as they are. Then each identity column's sequence is set
//     past the column's highest value, so new rows get new ids.
//   - Values: converted to the target column's type. SQLite's 0 and 1 become
//     booleans; times, stored as text, become UTC instants with PostgreSQL's
//     microsecond precision (truncated); text is copied as it is, except
//     what PostgreSQL cannot store: NUL bytes are dropped and invalid UTF-8
//     bytes become U+FFFD. Such repairs do not stop the copy, since the
//     user's data must not be lost for a stray byte: they are counted and
//     listed in the Report. A value that cannot be converted at all (a time
//     that does not parse) stops the copy with a *RowError naming the
//     table, the row and the column.
//   - Speed: rows go in multi-row INSERTs of up to 1,000 rows (fewer for
//     wide tables, to stay under PostgreSQL's 65,535 parameters, and for
//     big rows, to keep each statement near 16 MiB). When a batch fails,
//     its rows are retried one by one to name the row at fault.
package dbcopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vega-ai/vega/migrations"
	"github.com/vega-ai/vega/models"
)

// MaxRepairsListed is how many repaired values a Report lists one by one;
// Report.Repaired counts them all.
const MaxRepairsListed = 100

// ErrNotEmpty is returned (wrapped, naming a table) when the target database
// already holds rows: Copy only fills an empty database.
var ErrNotEmpty = errors.New("the target database is not empty")

// Report says what Copy copied.
type Report struct {
	// Tables lists the tables in the order they were copied.
	Tables []TableReport
	// Rows is the number of rows copied, all tables together.
	Rows int64
	// Repaired is the number of text values that were changed because
	// PostgreSQL cannot store them as they were (NUL bytes, invalid UTF-8).
	Repaired int64
	// Repairs names the first MaxRepairsListed of those values.
	Repairs []Repair
}

// TableReport is what Copy did to one table.
type TableReport struct {
	// Name is the table's name.
	Name string
	// Rows is the number of rows copied, equal in source and target.
	Rows int64
	// Repaired is the number of its text values that were repaired.
	Repaired int64
}

// Repair names a text value that was changed to fit PostgreSQL.
type Repair struct {
	// Table is the table's name.
	Table string
	// Row is the row's primary key, as "id=42".
	Row string
	// Column is the column's name.
	Column string
}

// String returns "table row column", for example "jobs id=42 notes".
func (r Repair) String() string { return r.Table + " " + r.Row + " " + r.Column }

// RowError is a failure to copy one row: a value that cannot be converted,
// or a row the target refuses.
type RowError struct {
	// Table is the table's name.
	Table string
	// Row is the row's primary key in the source, as "id=42".
	Row string
	// Column is the column at fault, or "" when the whole row was refused.
	Column string
	// Err is what went wrong.
	Err error
}

// Error names the table, row and column, then the cause.
func (e *RowError) Error() string {
	where := "table " + e.Table + ", row " + e.Row
	if e.Column != "" {
		where += ", column " + e.Column
	}
	return "copy " + where + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *RowError) Unwrap() error { return e.Err }

// Copy copies every row of every table of src, a SQLite database, into dst,
// a PostgreSQL database with the same schema and no rows, as described in
// the package documentation. It calls log, if not nil, after each table is
// written (before the commit, which makes them all visible at once). Both
// databases must be migrated to the same version; models.Open does that.
//
// Errors: ErrNotEmpty (wrapped) when dst holds rows, a *RowError when a row
// cannot be copied, or an error naming the table for anything else. After
// an error dst is as it was.
func Copy(ctx context.Context, src, dst *models.DB, log func(table string, rows int64)) (*Report, error) {
	if src.Dialect() != migrations.SQLite {
		return nil, fmt.Errorf("dbcopy: the source must be a SQLite database, not %s", src.Dialect())
	}
	if dst.Dialect() != migrations.Postgres {
		return nil, fmt.Errorf("dbcopy: the target must be a PostgreSQL database, not %s", dst.Dialect())
	}
	readPool, err := src.Read.DB()
	if err != nil {
		return nil, fmt.Errorf("dbcopy: source read pool: %w", err)
	}
	srcTx, err := readPool.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("dbcopy: begin reading the source: %w", err)
	}
	defer srcTx.Rollback()
	tables, err := sourceTables(ctx, srcTx)
	if err != nil {
		return nil, err
	}

	dstTx, err := dst.SQLDB().BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("dbcopy: begin writing the target: %w", err)
	}
	defer dstTx.Rollback()
	target, err := describeTarget(ctx, dstTx)
	if err != nil {
		return nil, err
	}
	if err := lockTables(ctx, dstTx, target.names); err != nil {
		return nil, err
	}
	if err := checkEmpty(ctx, dstTx, target.names); err != nil {
		return nil, err
	}
	if err := target.match(tables); err != nil {
		return nil, err
	}
	names := make([]string, len(tables))
	byName := make(map[string]*table, len(tables))
	for i, t := range tables {
		names[i] = t.name
		byName[t.name] = t
	}
	ordered, err := order(names, target.refs)
	if err != nil {
		return nil, err
	}

	if err := target.setTriggers(ctx, dstTx, false); err != nil {
		return nil, err
	}
	c := &copier{src: srcTx, dst: dstTx, report: &Report{}}
	for _, name := range ordered {
		t := byName[name]
		tr, err := c.copyTable(ctx, t)
		if err != nil {
			return nil, err
		}
		c.report.Tables = append(c.report.Tables, tr)
		c.report.Rows += tr.Rows
		if log != nil {
			log(name, tr.Rows)
		}
	}
	if err := target.setTriggers(ctx, dstTx, true); err != nil {
		return nil, err
	}
	for _, t := range tables {
		if err := resetSequences(ctx, dstTx, t); err != nil {
			return nil, err
		}
	}
	for _, tr := range c.report.Tables {
		if err := compareCounts(ctx, srcTx, dstTx, tr); err != nil {
			return nil, err
		}
	}
	if err := dstTx.Commit(); err != nil {
		return nil, fmt.Errorf("dbcopy: commit: %w", err)
	}
	return c.report, nil
}

// CheckEmpty returns nil when no table of db, a PostgreSQL database, holds
// a row (schema_migrations aside), and an error wrapping ErrNotEmpty naming
// a table that does otherwise. A database without tables is empty. It lets
// a caller refuse a target before migrating it.
func CheckEmpty(ctx context.Context, db *models.DB) error {
	if db.Dialect() != migrations.Postgres {
		return fmt.Errorf("dbcopy: the target must be a PostgreSQL database, not %s", db.Dialect())
	}
	names, err := targetTableNames(ctx, db.SQLDB())
	if err != nil {
		return err
	}
	return checkEmpty(ctx, db.SQLDB(), names)
}

// querier is what the package needs of *sql.DB and *sql.Tx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// checkEmpty returns an error wrapping ErrNotEmpty if any of tables has a
// row.
func checkEmpty(ctx context.Context, q querier, tables []string) error {
	for _, name := range tables {
		var found bool
		if err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+quote(name)+")").Scan(&found); err != nil {
			return fmt.Errorf("dbcopy: check that the target's table %s is empty: %w", name, err)
		}
		if found {
			return fmt.Errorf("%w: its table %s has rows; copy into a new, empty database", ErrNotEmpty, name)
		}
	}
	return nil
}

// lockTables locks tables against writes by anyone else until the
// transaction ends; readers still see the committed (empty) tables.
func lockTables(ctx context.Context, tx *sql.Tx, tables []string) error {
	if len(tables) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SET LOCAL lock_timeout = '30s'"); err != nil {
		return fmt.Errorf("dbcopy: %w", err)
	}
	quoted := make([]string, len(tables))
	for i, t := range tables {
		quoted[i] = quote(t)
	}
	if _, err := tx.ExecContext(ctx, "LOCK TABLE "+strings.Join(quoted, ", ")+" IN EXCLUSIVE MODE"); err != nil {
		return fmt.Errorf("dbcopy: lock the target's tables (is a Vega server using the target?): %w", err)
	}
	return nil
}

// resetSequences sets the sequence of each of t's identity columns so that
// its next value is one more than the column's highest value (1 when the
// table is empty).
func resetSequences(ctx context.Context, tx *sql.Tx, t *table) error {
	for _, col := range t.identity {
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(COALESCE(MAX(%s), 0), 0) + 1, false) FROM %s",
			quote(col), quote(t.name))
		var next int64
		if err := tx.QueryRowContext(ctx, q, quote(t.name), col).Scan(&next); err != nil {
			return fmt.Errorf("dbcopy: reset the id sequence of %s.%s: %w", t.name, col, err)
		}
	}
	return nil
}

// compareCounts checks that the target's table holds as many rows as the
// source's and as were copied.
func compareCounts(ctx context.Context, src, dst *sql.Tx, tr TableReport) error {
	var inSrc, inDst int64
	q := "SELECT count(*) FROM " + quote(tr.Name)
	if err := src.QueryRowContext(ctx, q).Scan(&inSrc); err != nil {
		return fmt.Errorf("dbcopy: count the source's %s: %w", tr.Name, err)
	}
	if err := dst.QueryRowContext(ctx, q).Scan(&inDst); err != nil {
		return fmt.Errorf("dbcopy: count the target's %s: %w", tr.Name, err)
	}
	if inSrc != inDst || inSrc != tr.Rows {
		return fmt.Errorf("dbcopy: table %s: the source has %d rows, %d were copied, the target has %d; nothing was committed",
			tr.Name, inSrc, tr.Rows, inDst)
	}
	return nil
}

// quote quotes an SQL identifier, for SQLite and PostgreSQL alike.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
