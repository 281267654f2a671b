package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Store runs the application's queries. Reads go to the read pool and
// writes to the single-connection write pool in IMMEDIATE transactions, so
// SQLite never has two writers and a check-then-insert inside one write
// transaction cannot race.
//
// Every method on user data takes the user id explicitly and scopes the
// query by it: another user's row is ErrNotFound, exactly like a missing one.
// A user id of 0 or less is refused with ErrNoOwner.
//
// Methods return errors from the package's vocabulary (see errors.go):
// ErrNotFound, ErrConflict (*ConflictError), ErrInvalid (*ValidationError),
// ErrNoOwner, context errors, or an internal error.
type Store struct {
	db  *DB
	now func() time.Time
}

// NewStore returns a Store over db.
func NewStore(db *DB) *Store {
	return &Store{db: db, now: func() time.Time { return time.Now().UTC() }}
}

// clock returns the current time in UTC, to the microsecond: the precision
// PostgreSQL keeps, so a row read back has the time it was written with.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// read returns the read pool bound to ctx.
func (s *Store) read(ctx context.Context) *gorm.DB { return s.db.Read.WithContext(ctx) }

// write returns the write pool bound to ctx.
func (s *Store) write(ctx context.Context) *gorm.DB { return s.db.Write.WithContext(ctx) }

// inTx runs fn in a write transaction and translates its error for op.
func (s *Store) inTx(ctx context.Context, op string, fn func(tx *gorm.DB) error) error {
	return wrapDB(op, s.write(ctx).Transaction(fn))
}

// ForUser is a GORM scope restricting a query on a user-owned table (one
// with a user_id column) to the rows of userID.
func ForUser(userID int64) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where(clause.Eq{Column: clause.Column{Table: clause.CurrentTable, Name: "user_id"}, Value: userID})
	}
}

// ForProfileOwner is a GORM scope restricting a query on a profile-owned
// table (work_experiences, education, certifications) to the rows whose
// profile belongs to userID.
func ForProfileOwner(userID int64) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where(clause.Expr{
			SQL:  "? IN (SELECT id FROM profiles WHERE user_id = ?)",
			Vars: []any{clause.Column{Table: clause.CurrentTable, Name: "profile_id"}, userID},
		})
	}
}

// findOne loads the first row of q into dest, returning ErrNotFound (wrapped
// with what) when there is none. It avoids First so GORM does not log a
// "record not found" for an expected miss.
func findOne(q *gorm.DB, dest any, what string) error {
	res := q.Limit(1).Find(dest)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return notFound(what)
	}
	return nil
}

// deleteOwned deletes row id of model's table within scope (the rows userID
// owns) in one write transaction, or returns ErrNotFound naming what: another
// user's row is simply not found.
func (s *Store) deleteOwned(ctx context.Context, userID, id int64, op, what string, scope func(*gorm.DB) *gorm.DB, model any) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *gorm.DB) error {
		res := tx.Scopes(scope).Where("id = ?", id).Delete(model)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound(fmt.Sprintf("%s %d", what, id))
		}
		return nil
	})
}
