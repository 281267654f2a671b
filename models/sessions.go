package models

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// SessionKind says what a session's token is for.
type SessionKind string

// The kinds of session.
const (
	// SessionAPI is a refresh token held by the browser extension or another
	// API client; it is rotated on every use.
	SessionAPI SessionKind = "api"
	// SessionWeb is the dashboard's session cookie.
	SessionWeb SessionKind = "web"
)

// Valid reports whether k is SessionAPI or SessionWeb.
func (k SessionKind) Valid() bool { return k == SessionAPI || k == SessionWeb }

// Session is one opaque token of a signed-in client, stored as the SHA-256
// of the token. The tokens of one sign-in form a family: rotating a refresh
// token inserts the next row of the family and points the old row's
// ReplacedBy at it. The newest row of a family that is neither revoked,
// replaced nor expired is the family's head, and the family is the
// "session" a user sees and signs out of.
type Session struct {
	ID         int64       `gorm:"column:id;primaryKey" json:"id"`
	UserID     int64       `gorm:"column:user_id" json:"-"`
	TokenHash  string      `gorm:"column:token_hash" json:"-"`
	FamilyID   string      `gorm:"column:family_id" json:"-"`
	Kind       SessionKind `gorm:"column:kind" json:"kind"`
	UserAgent  string      `gorm:"column:user_agent" json:"user_agent"`
	IP         string      `gorm:"column:ip" json:"ip"`
	CreatedAt  time.Time   `gorm:"column:created_at;autoCreateTime:false" json:"created_at"` // when the family began
	LastUsedAt time.Time   `gorm:"column:last_used_at;autoUpdateTime:false" json:"last_used_at"`
	ExpiresAt  time.Time   `gorm:"column:expires_at" json:"expires_at"`
	RevokedAt  *time.Time  `gorm:"column:revoked_at" json:"-"`
	ReplacedBy *int64      `gorm:"column:replaced_by" json:"-"`
}

// TableName returns "sessions".
func (Session) TableName() string { return "sessions" }

// Active reports whether the session's token may still be used at now:
// not revoked, not replaced and not expired.
func (s *Session) Active(now time.Time) bool {
	return s.RevokedAt == nil && s.ReplacedBy == nil && now.Before(s.ExpiresAt)
}

// ErrSessionReused is returned by RotateSession for a refresh token that was
// already rotated: someone holds a copy of it, so every token of its family
// has been revoked. It matches neither ErrNotFound nor ErrInvalid; an HTTP
// layer answers it like an invalid token (401).
var ErrSessionReused = errors.New("refresh token already used; its session has been revoked")

// Limits on what a session records about its client.
const (
	MaxSessionUserAgentChars = 512
	MaxSessionIPChars        = 64
)

// replacedRetention is how long a rotated-out token is kept to detect its
// reuse; after that it is deleted and presenting it is simply refused.
const replacedRetention = 7 * 24 * time.Hour

// activeSession restricts a query to rows usable at now.
func activeSession(now time.Time) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where("revoked_at IS NULL AND replaced_by IS NULL AND expires_at > ?", now)
	}
}

// truncateChars cuts s to at most n runes, replacing invalid UTF-8.
func truncateChars(s string, n int) string {
	if !utf8.ValidString(s) {
		s = string([]rune(s)) // invalid bytes become U+FFFD
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// checkNewSession validates the parts of a new session row the caller sets.
func checkNewSession(userID int64, tokenHash, family string, kind SessionKind, expires, now time.Time) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	var v validator
	if len(tokenHash) != 64 {
		v.add("token_hash", "must be a hex SHA-256")
	}
	if family == "" || len(family) > 64 {
		v.add("family_id", "must be 1 to 64 characters")
	}
	if !kind.Valid() {
		v.add("kind", "must be api or web")
	}
	if !expires.After(now) {
		v.add("expires_at", "must be in the future")
	}
	return v.err()
}

// pruneSessions deletes userID's expired rows and rows rotated out longer
// than replacedRetention ago, so a user's rows stay bounded.
func pruneSessions(tx *gorm.DB, userID int64, now time.Time) error {
	return tx.Where("user_id = ? AND (expires_at <= ? OR (replaced_by IS NOT NULL AND last_used_at < ?))",
		userID, now, now.Add(-replacedRetention)).Delete(&Session{}).Error
}

// CreateSession inserts sess as a new sign-in (the first row of a new
// family). UserID, TokenHash, FamilyID, Kind and a future ExpiresAt are
// required; CreatedAt and LastUsedAt are set to now, UserAgent and IP are
// cut to their limits, RevokedAt and ReplacedBy are cleared. The user's
// expired rows are deleted in the same transaction. An unknown user is
// ErrInvalid (foreign key); a token hash already stored is ErrConflict.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	if sess == nil {
		return invalidField("session", "is required")
	}
	now := s.clock()
	if err := checkNewSession(sess.UserID, sess.TokenHash, sess.FamilyID, sess.Kind, sess.ExpiresAt, now); err != nil {
		return err
	}
	row := *sess
	row.ID, row.RevokedAt, row.ReplacedBy = 0, nil, nil
	row.CreatedAt, row.LastUsedAt, row.ExpiresAt = now, now, sess.ExpiresAt.UTC()
	row.UserAgent = truncateChars(sess.UserAgent, MaxSessionUserAgentChars)
	row.IP = truncateChars(sess.IP, MaxSessionIPChars)
	err := s.inTx(ctx, "create session", func(tx *gorm.DB) error {
		if err := pruneSessions(tx, row.UserID, now); err != nil {
			return err
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return err
	}
	*sess = row
	return nil
}

// SessionByToken returns the active session of kind whose token hashes to
// tokenHash. A missing, revoked, replaced or expired session is ErrNotFound.
func (s *Store) SessionByToken(ctx context.Context, kind SessionKind, tokenHash string) (*Session, error) {
	var sess Session
	q := s.read(ctx).Scopes(activeSession(s.clock())).Where("token_hash = ? AND kind = ?", tokenHash, kind)
	if err := findOne(q, &sess, "session"); err != nil {
		return nil, wrapDB("session by token", err)
	}
	return &sess, nil
}

// ActiveFamily returns the head of userID's session family familyID: its
// newest row, if that row is active. A family that was signed out, revoked,
// has expired or belongs to another user is ErrNotFound.
func (s *Store) ActiveFamily(ctx context.Context, userID int64, familyID string) (*Session, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	var sess Session
	q := s.read(ctx).Scopes(ForUser(userID), activeSession(s.clock())).Where("family_id = ?", familyID)
	if err := findOne(q, &sess, "session"); err != nil {
		return nil, wrapDB("active session family", err)
	}
	return &sess, nil
}

// Sessions returns userID's signed-in sessions, one per family (its head),
// most recently used first.
func (s *Store) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	out := []Session{}
	err := s.read(ctx).Scopes(ForUser(userID), activeSession(s.clock())).
		Order("last_used_at DESC").Order("id DESC").Find(&out).Error
	if err != nil {
		return nil, wrapDB("list sessions", err)
	}
	return out, nil
}

// RotateSession exchanges the refresh token hashing to tokenHash for a new
// one, in one write transaction: it inserts the family's next row with
// newHash, expiring at expiresAt and recording userAgent and ip, marks the
// old row replaced, and returns the new row. The new row keeps the family's
// CreatedAt.
//
// A token that is unknown, not of kind SessionAPI, revoked or expired is
// ErrNotFound. A token that was already replaced is being replayed: the
// whole family is revoked (and the revocation committed) and the error is
// ErrSessionReused.
func (s *Store) RotateSession(ctx context.Context, tokenHash, newHash string, expiresAt time.Time, userAgent, ip string) (*Session, error) {
	now := s.clock()
	var next Session
	reused := false
	err := s.inTx(ctx, "rotate session", func(tx *gorm.DB) error {
		var old Session
		if err := findOne(tx.Where("token_hash = ? AND kind = ?", tokenHash, SessionAPI), &old, "session"); err != nil {
			return err
		}
		switch {
		case old.RevokedAt != nil || !now.Before(old.ExpiresAt):
			return notFound("session")
		case old.ReplacedBy != nil:
			reused = true
			return revokeFamily(tx, old.UserID, old.FamilyID, now)
		}
		if err := checkNewSession(old.UserID, newHash, old.FamilyID, SessionAPI, expiresAt, now); err != nil {
			return err
		}
		next = Session{
			UserID: old.UserID, TokenHash: newHash, FamilyID: old.FamilyID, Kind: SessionAPI,
			UserAgent: truncateChars(userAgent, MaxSessionUserAgentChars), IP: truncateChars(ip, MaxSessionIPChars),
			CreatedAt: old.CreatedAt, LastUsedAt: now, ExpiresAt: expiresAt.UTC(),
		}
		if err := tx.Create(&next).Error; err != nil {
			return err
		}
		res := tx.Model(&Session{}).Where("id = ? AND replaced_by IS NULL", old.ID).
			Updates(map[string]any{"replaced_by": next.ID, "last_used_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("session %d was replaced concurrently", old.ID)
		}
		return pruneSessions(tx, old.UserID, now)
	})
	switch {
	case err != nil:
		return nil, err
	case reused:
		return nil, ErrSessionReused
	}
	return &next, nil
}

// revokeFamily revokes every row of userID's family familyID not revoked yet.
func revokeFamily(tx *gorm.DB, userID int64, familyID string, now time.Time) error {
	return tx.Model(&Session{}).Where("user_id = ? AND family_id = ? AND revoked_at IS NULL", userID, familyID).
		Update("revoked_at", now).Error
}

// RevokeSession signs userID out of the session whose head has id: every
// token of its family is revoked. A session of another user, or one no
// longer active, is ErrNotFound.
func (s *Store) RevokeSession(ctx context.Context, userID, id int64) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	now := s.clock()
	return s.inTx(ctx, "revoke session", func(tx *gorm.DB) error {
		var sess Session
		if err := findOne(tx.Scopes(ForUser(userID), activeSession(now)).Where("id = ?", id), &sess, fmt.Sprintf("session %d", id)); err != nil {
			return err
		}
		return revokeFamily(tx, userID, sess.FamilyID, now)
	})
}

// RevokeSessionToken signs out the session of kind whose token (any token of
// the family, current or rotated out) hashes to tokenHash, revoking its
// whole family, and returns the row the token matched. Revoking a revoked
// session again is not an error; an unknown token is ErrNotFound.
func (s *Store) RevokeSessionToken(ctx context.Context, kind SessionKind, tokenHash string) (*Session, error) {
	now := s.clock()
	var sess Session
	err := s.inTx(ctx, "revoke session token", func(tx *gorm.DB) error {
		if err := findOne(tx.Where("token_hash = ? AND kind = ?", tokenHash, kind), &sess, "session"); err != nil {
			return err
		}
		return revokeFamily(tx, sess.UserID, sess.FamilyID, now)
	})
	if err != nil {
		return nil, err
	}
	return &sess, nil
}

// RevokeUserSessions revokes every session of userID except the family
// keepFamily (none when it is ""), and returns how many tokens it revoked.
func (s *Store) RevokeUserSessions(ctx context.Context, userID int64, keepFamily string) (int64, error) {
	if err := requireOwner(userID); err != nil {
		return 0, err
	}
	var n int64
	err := s.inTx(ctx, "revoke user sessions", func(tx *gorm.DB) error {
		q := tx.Model(&Session{}).Where("user_id = ? AND revoked_at IS NULL", userID)
		if keepFamily != "" {
			q = q.Where("family_id <> ?", keepFamily)
		}
		res := q.Update("revoked_at", s.clock())
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}

// TouchSession records at as the last use of session id (of userID).
func (s *Store) TouchSession(ctx context.Context, userID, id int64, at time.Time) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	return s.inTx(ctx, "touch session", func(tx *gorm.DB) error {
		return tx.Model(&Session{}).Scopes(ForUser(userID)).Where("id = ?", id).Update("last_used_at", at.UTC()).Error
	})
}
