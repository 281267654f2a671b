package dbcopy

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// migrationsTable is the migration runner's bookkeeping, which each database
// keeps for itself and Copy leaves alone.
const migrationsTable = "schema_migrations"

// table is a source table as Copy copies it.
type table struct {
	name string
	cols []string // the source's columns, in the source's order
	pk   []string // the source's primary key columns, in key order

	// Filled from the target by match.
	kinds    []kind   // how to convert each of cols
	identity []string // the target's identity (or serial) columns
}

// sourceTables lists the source's tables in creation order with their
// columns and primary keys.
func sourceTables(ctx context.Context, tx *sql.Tx) ([]*table, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name <> ?
		ORDER BY rowid`, migrationsTable)
	if err != nil {
		return nil, fmt.Errorf("dbcopy: list the source's tables: %w", err)
	}
	var tables []*table
	for rows.Next() {
		t := &table{}
		if err := rows.Scan(&t.name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("dbcopy: list the source's tables: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dbcopy: list the source's tables: %w", err)
	}
	for _, t := range tables {
		rows, err := tx.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`, t.name)
		if err != nil {
			return nil, fmt.Errorf("dbcopy: read the columns of the source's %s: %w", t.name, err)
		}
		pkPos := map[string]int{}
		for rows.Next() {
			var col string
			var pk int
			if err := rows.Scan(&col, &pk); err != nil {
				rows.Close()
				return nil, fmt.Errorf("dbcopy: read the columns of the source's %s: %w", t.name, err)
			}
			t.cols = append(t.cols, col)
			if pk > 0 {
				t.pk = append(t.pk, col)
				pkPos[col] = pk
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("dbcopy: read the columns of the source's %s: %w", t.name, err)
		}
		sort.SliceStable(t.pk, func(i, j int) bool { return pkPos[t.pk[i]] < pkPos[t.pk[j]] })
	}
	return tables, nil
}

// targetColumn is a column of a target table.
type targetColumn struct {
	dataType string // information_schema's data_type: "bigint", "text", ...
	identity bool   // an identity column, or one fed by a sequence (serial)
}

// trigger is one of the target's enabled triggers.
type trigger struct {
	table, name string
	enabled     string // pg_trigger.tgenabled: O (origin), A (always) or R (replica)
}

// targetSchema is what Copy needs to know of the target.
type targetSchema struct {
	names    []string                           // every table but schema_migrations, sorted
	cols     map[string]map[string]targetColumn // table -> column -> column
	refs     map[string][]string                // table -> tables its foreign keys reference
	triggers []trigger
}

// targetTableNames lists the base tables of the target's current schema but
// schema_migrations, sorted by name.
func targetTableNames(ctx context.Context, q querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1
		ORDER BY table_name`, migrationsTable)
	if err != nil {
		return nil, fmt.Errorf("dbcopy: list the target's tables: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("dbcopy: list the target's tables: %w", err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dbcopy: list the target's tables: %w", err)
	}
	return names, nil
}

// describeTarget reads the target's tables, columns, foreign keys and
// enabled triggers.
func describeTarget(ctx context.Context, q querier) (*targetSchema, error) {
	names, err := targetTableNames(ctx, q)
	if err != nil {
		return nil, err
	}
	s := &targetSchema{names: names, cols: map[string]map[string]targetColumn{}, refs: map[string][]string{}}
	fail := func(what string, err error) (*targetSchema, error) {
		return nil, fmt.Errorf("dbcopy: read the target's %s: %w", what, err)
	}

	rows, err := q.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type,
			c.is_identity = 'YES' OR COALESCE(c.column_default, '') LIKE 'nextval(%'
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`)
	if err != nil {
		return fail("columns", err)
	}
	for rows.Next() {
		var tbl, col string
		var c targetColumn
		if err := rows.Scan(&tbl, &col, &c.dataType, &c.identity); err != nil {
			rows.Close()
			return fail("columns", err)
		}
		if s.cols[tbl] == nil {
			s.cols[tbl] = map[string]targetColumn{}
		}
		s.cols[tbl][col] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail("columns", err)
	}

	rows, err = q.QueryContext(ctx, `SELECT c.relname, p.relname
		FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid
		JOIN pg_class p ON p.oid = k.confrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE k.contype = 'f' AND n.nspname = current_schema()
		ORDER BY 1, 2`)
	if err != nil {
		return fail("foreign keys", err)
	}
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			rows.Close()
			return fail("foreign keys", err)
		}
		s.refs[child] = append(s.refs[child], parent)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail("foreign keys", err)
	}

	rows, err = q.QueryContext(ctx, `SELECT c.relname, t.tgname, t.tgenabled::text
		FROM pg_trigger t
		JOIN pg_class c ON c.oid = t.tgrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND n.nspname = current_schema()
		ORDER BY 1, 2`)
	if err != nil {
		return fail("triggers", err)
	}
	for rows.Next() {
		var tr trigger
		if err := rows.Scan(&tr.table, &tr.name, &tr.enabled); err != nil {
			rows.Close()
			return fail("triggers", err)
		}
		s.triggers = append(s.triggers, tr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail("triggers", err)
	}
	return s, nil
}

// match checks that the target has every table and column of the source
// and fills in each table's conversions and identity columns.
func (s *targetSchema) match(tables []*table) error {
	for _, t := range tables {
		cols, ok := s.cols[t.name]
		if !ok {
			return fmt.Errorf("dbcopy: the target has no table %s, which the source has: are both at the same schema version?", t.name)
		}
		t.kinds = make([]kind, len(t.cols))
		for i, col := range t.cols {
			c, ok := cols[col]
			if !ok {
				return fmt.Errorf("dbcopy: the target's table %s has no column %s, which the source's has: are both at the same schema version?", t.name, col)
			}
			t.kinds[i] = kindOf(c.dataType)
		}
		t.identity = t.identity[:0]
		for col, c := range cols {
			if c.identity {
				t.identity = append(t.identity, col)
			}
		}
		slices.Sort(t.identity)
	}
	return nil
}

// setTriggers disables the target's enabled triggers (on false) or enables
// them again as they were (on true).
func (s *targetSchema) setTriggers(ctx context.Context, tx *sql.Tx, enable bool) error {
	for _, tr := range s.triggers {
		action := "DISABLE TRIGGER "
		if enable {
			switch tr.enabled {
			case "A":
				action = "ENABLE ALWAYS TRIGGER "
			case "R":
				action = "ENABLE REPLICA TRIGGER "
			default:
				action = "ENABLE TRIGGER "
			}
		}
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+quote(tr.table)+" "+action+quote(tr.name)); err != nil {
			return fmt.Errorf("dbcopy: %s%s on %s: %w", strings.ToLower(action), tr.name, tr.table, err)
		}
	}
	return nil
}

// order returns tables sorted so that each comes after every table it
// references (refs[t], the parents of t's foreign keys), and otherwise in
// the order given. A table's references to itself and to tables not in the
// list are ignored; a cycle between tables is an error.
func order(tables []string, refs map[string][]string) ([]string, error) {
	in := make(map[string]bool, len(tables))
	for _, t := range tables {
		in[t] = true
	}
	placed := make(map[string]bool, len(tables))
	out := make([]string, 0, len(tables))
	for len(out) < len(tables) {
		progress := false
		for _, t := range tables {
			if placed[t] {
				continue
			}
			ready := true
			for _, p := range refs[t] {
				if p != t && in[p] && !placed[p] {
					ready = false
					break
				}
			}
			if ready {
				placed[t] = true
				out = append(out, t)
				progress = true
				break // restart, so that earlier tables go first
			}
		}
		if !progress {
			var left []string
			for _, t := range tables {
				if !placed[t] {
					left = append(left, t)
				}
			}
			return nil, fmt.Errorf("dbcopy: the foreign keys of tables %s form a cycle: no order can copy them", strings.Join(left, ", "))
		}
	}
	return out, nil
}
