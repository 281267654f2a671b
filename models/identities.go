package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Identity is an account at an OAuth or OpenID Connect provider linked to a
// Vega user. It is found by (Provider, Subject), the provider's stable user
// id, and never by e-mail: Email and Login are recorded for display only.
type Identity struct {
	ID         int64     `gorm:"column:id;primaryKey" json:"id"`
	UserID     int64     `gorm:"column:user_id" json:"-"`
	Provider   string    `gorm:"column:provider" json:"provider"`
	Subject    string    `gorm:"column:subject" json:"-"`
	Email      string    `gorm:"column:email" json:"email"`
	Login      string    `gorm:"column:login" json:"login"`
	CreatedAt  time.Time `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
	LastUsedAt time.Time `gorm:"column:last_used_at;autoUpdateTime:false" json:"last_used_at"`
}

// TableName returns "identities".
func (Identity) TableName() string { return "identities" }

// Limits on what an identity records.
const (
	MaxIdentityProviderChars = 32
	MaxIdentitySubjectChars  = 255
	MaxIdentityEmailChars    = 320
	MaxIdentityLoginChars    = 255
)

// ErrLastSignInMethod is returned by UnlinkIdentity for the identity that is
// a user's only way to sign in (no password and no other identity). It
// matches ErrConflict (HTTP 409) and its text is safe to show.
var ErrLastSignInMethod = &lastSignInError{}

type lastSignInError struct{}

func (*lastSignInError) Error() string {
	return "this is your only way to sign in: set a password or link another account first"
}

// Is reports whether target is ErrConflict.
func (*lastSignInError) Is(target error) bool { return target == ErrConflict }

// checkIdentity validates and normalises the provider-supplied fields of id.
func checkIdentity(id *Identity) error {
	var v validator
	if id.Provider == "" || len(id.Provider) > MaxIdentityProviderChars {
		v.add("provider", "must be 1 to "+strconv.Itoa(MaxIdentityProviderChars)+" characters")
	}
	if id.Subject == "" || len(id.Subject) > MaxIdentitySubjectChars {
		v.add("subject", "must be 1 to "+strconv.Itoa(MaxIdentitySubjectChars)+" characters")
	}
	id.Email = truncateChars(strings.TrimSpace(id.Email), MaxIdentityEmailChars)
	id.Login = truncateChars(strings.TrimSpace(id.Login), MaxIdentityLoginChars)
	return v.err()
}

// IdentityBySubject returns the identity of provider's user subject, or
// ErrNotFound. It is how an OAuth sign-in finds its user.
func (s *Store) IdentityBySubject(ctx context.Context, provider, subject string) (*Identity, error) {
	var id Identity
	q := s.read(ctx).Where("provider = ? AND subject = ?", provider, subject)
	if err := findOne(q, &id, "identity"); err != nil {
		return nil, wrapDB("identity by subject", err)
	}
	return &id, nil
}

// Identities returns the identities linked to userID, oldest first.
func (s *Store) Identities(ctx context.Context, userID int64) ([]Identity, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	out := []Identity{}
	if err := s.read(ctx).Scopes(ForUser(userID)).Order("id").Find(&out).Error; err != nil {
		return nil, wrapDB("list identities", err)
	}
	return out, nil
}

// insertIdentity inserts id for userID in tx. An identity of the same
// provider and subject already linked (to anyone) is a *ConflictError
// whose ExistingID is the user it belongs to.
func insertIdentity(tx *gorm.DB, userID int64, id *Identity, now time.Time) error {
	var existing Identity
	err := findOne(tx.Where("provider = ? AND subject = ?", id.Provider, id.Subject), &existing, "identity")
	if err == nil {
		return &ConflictError{Resource: "identity", Field: "provider account", ExistingID: existing.UserID}
	}
	if !isNotFound(err) {
		return err
	}
	row := Identity{UserID: userID, Provider: id.Provider, Subject: id.Subject, Email: id.Email, Login: id.Login,
		CreatedAt: now, LastUsedAt: now}
	if err := tx.Create(&row).Error; err != nil {
		if isUniqueViolation(err) {
			return &ConflictError{Resource: "identity", Field: "provider account"}
		}
		return err
	}
	*id = row
	return nil
}

// LinkIdentity links id (Provider, Subject, Email, Login) to userID and
// fills in its ID and timestamps. An identity already linked, to this user
// or another, is a *ConflictError whose ExistingID is the owner's user id;
// an unknown user is ErrInvalid.
func (s *Store) LinkIdentity(ctx context.Context, userID int64, id *Identity) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	if id == nil {
		return invalidField("identity", "is required")
	}
	if err := checkIdentity(id); err != nil {
		return err
	}
	return s.inTx(ctx, "link identity", func(tx *gorm.DB) error {
		return insertIdentity(tx, userID, id, s.clock())
	})
}

// maxUsernameTries bounds the numeric suffixes CreateUserWithIdentity tries.
const maxUsernameTries = 1000

// CreateUserWithIdentity creates a user without a password, named after
// base made unique (base, base2, base3, ... compared case-insensitively),
// and links id to it, in one transaction. base must pass ValidateUsername;
// it is shortened when a suffix would make it too long. An identity of the
// same provider and subject already linked is a *ConflictError (the caller
// lost a race with another sign-in and should look the identity up again).
func (s *Store) CreateUserWithIdentity(ctx context.Context, base string, id *Identity) (*User, error) {
	base = strings.TrimSpace(base)
	if err := ValidateUsername(base); err != nil {
		return nil, err
	}
	if id == nil {
		return nil, invalidField("identity", "is required")
	}
	if err := checkIdentity(id); err != nil {
		return nil, err
	}
	now := s.clock()
	var u User
	err := s.inTx(ctx, "create user with identity", func(tx *gorm.DB) error {
		if err := s.serialize(tx, lockCreateUser); err != nil {
			return err
		}
		name, err := freeUsername(tx, base)
		if err != nil {
			return err
		}
		u = User{Username: name, Role: RoleUser, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		return insertIdentity(tx, u.ID, id, now)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// freeUsername returns base, or base followed by the smallest number from 2
// that makes it a username nobody has (in any letter case).
func freeUsername(tx *gorm.DB, base string) (string, error) {
	for n := 1; n <= maxUsernameTries; n++ {
		name := base
		if n > 1 {
			suffix := strconv.Itoa(n)
			name = base[:min(len(base), MaxUsernameChars-len(suffix))] + suffix
		}
		var existing User
		err := findOne(tx.Where("lower(username) = lower(?)", name), &existing, "user")
		if isNotFound(err) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", &ConflictError{Resource: "user", Field: "username"}
}

// TouchIdentity records a sign-in with identity id of userID at at, with
// the e-mail and login the provider reports now.
func (s *Store) TouchIdentity(ctx context.Context, userID, id int64, email, login string, at time.Time) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	row := Identity{Provider: "x", Subject: "x", Email: email, Login: login}
	_ = checkIdentity(&row) // normalises Email and Login; the placeholders are valid
	return s.inTx(ctx, "touch identity", func(tx *gorm.DB) error {
		res := tx.Model(&Identity{}).Scopes(ForUser(userID)).Where("id = ?", id).
			Updates(map[string]any{"email": row.Email, "login": row.Login, "last_used_at": at.UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound(fmt.Sprintf("identity %d", id))
		}
		return nil
	})
}

// UnlinkIdentity removes identity id from userID. It refuses, with
// ErrLastSignInMethod, to remove the user's last way to sign in: the only
// identity of a user without a password. Another user's identity is
// ErrNotFound.
func (s *Store) UnlinkIdentity(ctx context.Context, userID, id int64) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	return s.inTx(ctx, "unlink identity", func(tx *gorm.DB) error {
		var ident Identity
		if err := findOne(tx.Scopes(ForUser(userID)).Where("id = ?", id), &ident, fmt.Sprintf("identity %d", id)); err != nil {
			return err
		}
		var u User
		if err := findOne(tx.Where("id = ?", userID), &u, fmt.Sprintf("user %d", userID)); err != nil {
			return err
		}
		if !u.HasPassword() {
			var n int64
			if err := tx.Model(&Identity{}).Scopes(ForUser(userID)).Count(&n).Error; err != nil {
				return err
			}
			if n <= 1 {
				return ErrLastSignInMethod
			}
		}
		return tx.Where("id = ?", ident.ID).Delete(&Identity{}).Error
	})
}

// AuthCode is a one-time code that hands an OAuth sign-in to the browser
// extension, stored as the SHA-256 of the code.
type AuthCode struct {
	ID        int64      `gorm:"column:id;primaryKey"`
	UserID    int64      `gorm:"column:user_id"`
	CodeHash  string     `gorm:"column:code_hash"`
	ExpiresAt time.Time  `gorm:"column:expires_at"`
	UsedAt    *time.Time `gorm:"column:used_at"`
	CreatedAt time.Time  `gorm:"column:created_at;autoCreateTime:false"`
}

// TableName returns "auth_codes".
func (AuthCode) TableName() string { return "auth_codes" }

// authCodeRetention is how long a used or expired code is kept before it
// is deleted.
const authCodeRetention = time.Hour

// CreateAuthCode stores a one-time code for userID, by its hex SHA-256
// codeHash, valid until expiresAt. Codes used or expired longer than an hour
// ago are deleted in the same transaction. An unknown user is ErrInvalid.
func (s *Store) CreateAuthCode(ctx context.Context, userID int64, codeHash string, expiresAt time.Time) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	now := s.clock()
	var v validator
	if len(codeHash) != 64 {
		v.add("code_hash", "must be a hex SHA-256")
	}
	if !expiresAt.After(now) {
		v.add("expires_at", "must be in the future")
	}
	if err := v.err(); err != nil {
		return err
	}
	return s.inTx(ctx, "create auth code", func(tx *gorm.DB) error {
		if err := tx.Where("expires_at < ?", now.Add(-authCodeRetention)).Delete(&AuthCode{}).Error; err != nil {
			return err
		}
		return tx.Create(&AuthCode{UserID: userID, CodeHash: codeHash, ExpiresAt: expiresAt.UTC(), CreatedAt: now}).Error
	})
}

// RedeemAuthCode marks the code hashing to codeHash used and returns its
// user id. One UPDATE that requires the code unused and unexpired decides,
// so of two concurrent redemptions exactly one succeeds. An unknown, used
// or expired code is ErrNotFound.
func (s *Store) RedeemAuthCode(ctx context.Context, codeHash string) (int64, error) {
	now := s.clock()
	var code AuthCode
	err := s.inTx(ctx, "redeem auth code", func(tx *gorm.DB) error {
		res := tx.Model(&AuthCode{}).Where("code_hash = ? AND used_at IS NULL AND expires_at > ?", codeHash, now).
			Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return notFound("auth code")
		}
		return findOne(tx.Where("code_hash = ?", codeHash), &code, "auth code")
	})
	if err != nil {
		return 0, err
	}
	return code.UserID, nil
}
