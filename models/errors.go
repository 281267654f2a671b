package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"
)

// The error vocabulary of the models package. Every error a Store method
// returns either matches one of these sentinels with errors.Is, or is an
// internal error (a database or I/O failure). The text of an error matching
// ErrNotFound, ErrConflict or ErrInvalid is safe to show to a client; the text
// of any other error may contain database details and must only be logged.
var (
	// ErrNotFound reports that a row does not exist or belongs to another
	// user (the two cases are deliberately indistinguishable). HTTP 404.
	ErrNotFound = errors.New("not found")
	// ErrConflict reports that a row would duplicate an existing one, such as
	// a username already taken. HTTP 409.
	ErrConflict = errors.New("conflict")
	// ErrInvalid reports input that fails validation or a database
	// constraint. HTTP 400.
	ErrInvalid = errors.New("invalid input")
	// ErrNoOwner reports that a user-data operation was called without a
	// user id. It is a programming error (HTTP 500), never a client's fault,
	// and does not match ErrInvalid.
	ErrNoOwner = errors.New("models: operation on user data without an owner")
	// ErrLastAdmin reports that a change would leave the server without an
	// administrator. It matches ErrConflict (HTTP 409).
	ErrLastAdmin = fmt.Errorf("the last administrator cannot stop being one: make another user an administrator first: %w", ErrConflict)
)

// ValidationError lists the fields that failed validation, each with a short
// message fit for a form ("required", "at most 500 characters"). It matches
// ErrInvalid with errors.Is.
type ValidationError struct {
	// Fields maps a field name, as spelled in JSON, to what is wrong with it.
	Fields map[string]string
}

// Error returns the fields and their messages in a stable order.
func (e *ValidationError) Error() string {
	if e == nil || len(e.Fields) == 0 {
		return ErrInvalid.Error()
	}
	names := make([]string, 0, len(e.Fields))
	for name := range e.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(ErrInvalid.Error())
	for i, name := range names {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(name)
		b.WriteString(" ")
		b.WriteString(e.Fields[name])
	}
	return b.String()
}

// Is reports whether target is ErrInvalid, so errors.Is(err, ErrInvalid)
// holds for every ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Add records a problem with a field; the first message for a field wins.
func (e *ValidationError) Add(field, msg string) {
	if e.Fields == nil {
		e.Fields = make(map[string]string)
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// Field returns the message recorded for field, or "" if it has none.
func (e *ValidationError) Field(field string) string {
	if e == nil {
		return ""
	}
	return e.Fields[field]
}

// errOrNil returns e as an error if it holds any field, and nil otherwise.
func (e *ValidationError) errOrNil() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// invalidField returns a ValidationError for a single field.
func invalidField(field, msg string) error {
	return &ValidationError{Fields: map[string]string{field: msg}}
}

// ConflictError reports that a row would duplicate an existing one. It
// matches ErrConflict with errors.Is.
type ConflictError struct {
	// Resource names the kind of row, such as "user".
	Resource string
	// Field names the column whose value is taken, such as "username".
	Field string
	// ExistingID is the id of the row already holding the value, or 0 if
	// unknown.
	ExistingID int64
}

// Error says which value is already taken, without database details.
func (e *ConflictError) Error() string {
	if e.Field == "" {
		return e.Resource + " already exists"
	}
	return e.Resource + " with this " + e.Field + " already exists"
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// dbError is a database failure translated into the vocabulary: its text is
// safe (no database message), errors.Is matches kind, and the original error
// stays reachable through errors.As for logging.
type dbError struct {
	op    string
	kind  error
	cause error
}

// Error names the operation and the kind, never the database's message.
func (e *dbError) Error() string { return "models: " + e.op + ": " + e.kind.Error() }

// Unwrap exposes both the sentinel and the original error.
func (e *dbError) Unwrap() []error { return []error{e.kind, e.cause} }

// notFound returns ErrNotFound wrapped with what was looked for.
func notFound(what string) error {
	return fmt.Errorf("%s: %w", what, ErrNotFound)
}

// requireOwner refuses a user-data operation without a user id.
func requireOwner(userID int64) error {
	if userID <= 0 {
		return ErrNoOwner
	}
	return nil
}

// wrapDB translates a database error into the vocabulary. Constraint
// violations become ErrConflict (unique) or ErrInvalid (check, foreign key,
// not null) without the database's text; context errors and errors already
// in the vocabulary pass through; anything else is wrapped as internal.
func wrapDB(op string, err error) error {
	if err == nil {
		return nil
	}
	var ve *ValidationError
	var ce *ConflictError
	switch {
	case errors.As(err, &ve), errors.As(err, &ce), errors.Is(err, ErrNotFound),
		errors.Is(err, ErrNoOwner):
		return err
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("models: %s: %w", op, err)
	case errors.Is(err, gorm.ErrRecordNotFound):
		return &dbError{op: op, kind: ErrNotFound, cause: err}
	}
	switch constraintKind(err) {
	case constraintUnique:
		return &dbError{op: op, kind: ErrConflict, cause: err}
	case constraintOther:
		return &dbError{op: op, kind: ErrInvalid, cause: err}
	}
	return fmt.Errorf("models: %s: %w", op, err)
}

type constraint int

const (
	constraintNone constraint = iota
	constraintUnique
	constraintOther
)

// SQLite extended result codes (https://sqlite.org/rescode.html).
const (
	sqliteConstraint           = 19
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// constraintKind classifies a constraint violation from SQLite (result code),
// PostgreSQL (SQLSTATE class 23) or GORM's translated errors.
func constraintKind(err error) constraint {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return constraintUnique
	}
	if errors.Is(err, gorm.ErrForeignKeyViolated) || errors.Is(err, gorm.ErrCheckConstraintViolated) {
		return constraintOther
	}
	var coder interface{ Code() int }
	if errors.As(err, &coder) {
		code := coder.Code()
		switch {
		case code == sqliteConstraintUnique || code == sqliteConstraintPrimaryKey:
			return constraintUnique
		case code&0xff == sqliteConstraint:
			return constraintOther
		}
	}
	var stater interface{ SQLState() string }
	if errors.As(err, &stater) {
		state := stater.SQLState()
		switch {
		case state == "23505":
			return constraintUnique
		case strings.HasPrefix(state, "23"):
			return constraintOther
		}
	}
	return constraintNone
}

// isUniqueViolation reports whether err is a unique-constraint violation.
func isUniqueViolation(err error) bool { return constraintKind(err) == constraintUnique }

// isNotFound reports whether err matches ErrNotFound.
func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
