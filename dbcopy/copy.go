package dbcopy

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Batch limits: rows per INSERT, PostgreSQL's limit on parameters per
// statement, and the bytes of values after which a batch is sent anyway.
const (
	maxBatchRows  = 1000
	maxParameters = 65535
	maxBatchBytes = 16 << 20
)

// copier copies tables from src to dst, recording what it did in report.
type copier struct {
	src, dst *sql.Tx
	report   *Report
}

// batch is rows waiting to be inserted into one table.
type batch struct {
	rows  [][]any
	ids   []string // each row's primary key, for errors
	bytes int
}

// copyTable copies every row of t, in primary key order, in batches.
func (c *copier) copyTable(ctx context.Context, t *table) (TableReport, error) {
	tr := TableReport{Name: t.name}
	cols := make([]string, len(t.cols))
	for i, col := range t.cols {
		cols[i] = quote(col)
	}
	orderBy := "rowid"
	if len(t.pk) > 0 {
		keys := make([]string, len(t.pk))
		for i, k := range t.pk {
			keys[i] = quote(k)
		}
		orderBy = strings.Join(keys, ", ")
	}
	rows, err := c.src.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+quote(t.name)+" ORDER BY "+orderBy)
	if err != nil {
		return tr, fmt.Errorf("dbcopy: read the source's %s: %w", t.name, err)
	}
	defer rows.Close()

	pkIndex := make([]int, len(t.pk))
	for i, k := range t.pk {
		for j, col := range t.cols {
			if col == k {
				pkIndex[i] = j
			}
		}
	}
	perBatch := min(maxBatchRows, maxParameters/len(t.cols))
	vals := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var b batch
	var ordinal int64
	for rows.Next() {
		ordinal++
		if err := rows.Scan(ptrs...); err != nil {
			return tr, fmt.Errorf("dbcopy: read the source's %s, row %d: %w", t.name, ordinal, err)
		}
		id := rowID(t, pkIndex, vals, ordinal)
		row := make([]any, len(vals))
		for i, v := range vals {
			out, repaired, err := convert(t.kinds[i], v)
			if err != nil {
				return tr, &RowError{Table: t.name, Row: id, Column: t.cols[i], Err: err}
			}
			if repaired {
				tr.Repaired++
				c.report.Repaired++
				if len(c.report.Repairs) < MaxRepairsListed {
					c.report.Repairs = append(c.report.Repairs, Repair{Table: t.name, Row: id, Column: t.cols[i]})
				}
			}
			row[i] = out
			b.bytes += size(out)
		}
		b.rows = append(b.rows, row)
		b.ids = append(b.ids, id)
		if len(b.rows) >= perBatch || b.bytes >= maxBatchBytes {
			if err := c.insert(ctx, t, cols, &b); err != nil {
				return tr, err
			}
			tr.Rows += int64(len(b.rows))
			b = batch{rows: b.rows[:0], ids: b.ids[:0]}
		}
	}
	if err := rows.Err(); err != nil {
		return tr, fmt.Errorf("dbcopy: read the source's %s: %w", t.name, err)
	}
	if len(b.rows) > 0 {
		if err := c.insert(ctx, t, cols, &b); err != nil {
			return tr, err
		}
		tr.Rows += int64(len(b.rows))
	}
	return tr, nil
}

// insert writes the batch with one multi-row INSERT inside a savepoint. If
// the target refuses it, it retries the rows one by one to return a
// *RowError naming the row at fault.
func (c *copier) insert(ctx context.Context, t *table, cols []string, b *batch) error {
	args := make([]any, 0, len(b.rows)*len(cols))
	for _, r := range b.rows {
		args = append(args, r...)
	}
	if _, err := c.dst.ExecContext(ctx, "SAVEPOINT dbcopy_batch"); err != nil {
		return fmt.Errorf("dbcopy: write %s: %w", t.name, err)
	}
	_, batchErr := c.dst.ExecContext(ctx, insertSQL(t.name, cols, len(b.rows)), args...)
	if batchErr == nil {
		if _, err := c.dst.ExecContext(ctx, "RELEASE SAVEPOINT dbcopy_batch"); err != nil {
			return fmt.Errorf("dbcopy: write %s: %w", t.name, err)
		}
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if _, err := c.dst.ExecContext(ctx, "ROLLBACK TO SAVEPOINT dbcopy_batch"); err != nil {
		return fmt.Errorf("dbcopy: write %s, rows %s to %s: %w", t.name, b.ids[0], b.ids[len(b.ids)-1], batchErr)
	}
	one := insertSQL(t.name, cols, 1)
	for i, r := range b.rows {
		if _, err := c.dst.ExecContext(ctx, one, r...); err != nil {
			return &RowError{Table: t.name, Row: b.ids[i], Err: err}
		}
	}
	return fmt.Errorf("dbcopy: write %s, rows %s to %s: %w", t.name, b.ids[0], b.ids[len(b.ids)-1], batchErr)
}

// insertSQL returns an INSERT of n rows into table's columns, with $n
// placeholders. OVERRIDING SYSTEM VALUE keeps the source's ids even in a
// GENERATED ALWAYS identity column.
func insertSQL(table string, cols []string, n int) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + quote(table) + " (" + strings.Join(cols, ", ") + ") OVERRIDING SYSTEM VALUE VALUES ")
	p := 0
	for r := range n {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for i := range cols {
			if i > 0 {
				sb.WriteString(", ")
			}
			p++
			sb.WriteString("$" + strconv.Itoa(p))
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// rowID names a source row by its primary key ("id=42", "name=secret"), or
// by its position when the table has none.
func rowID(t *table, pkIndex []int, vals []any, ordinal int64) string {
	if len(pkIndex) == 0 {
		return "#" + strconv.FormatInt(ordinal, 10)
	}
	parts := make([]string, len(pkIndex))
	for i, j := range pkIndex {
		v := vals[j]
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		parts[i] = fmt.Sprintf("%s=%v", t.cols[j], v)
	}
	return strings.Join(parts, ",")
}

// size estimates the bytes a value takes in a statement.
func size(v any) int {
	switch x := v.(type) {
	case string:
		return len(x)
	case []byte:
		return len(x)
	}
	return 8
}
