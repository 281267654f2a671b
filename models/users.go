package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ValidateUsername checks a username: 3 to 64 characters, each an ASCII
// letter or digit or one of "._-@". (ASCII only, so that the database's
// lower() can compare usernames case-insensitively.) It returns a
// *ValidationError on field "username".
func ValidateUsername(name string) error {
	n := len(name)
	if n < MinUsernameChars || n > MaxUsernameChars {
		return invalidField("username", "must be "+strconv.Itoa(MinUsernameChars)+" to "+strconv.Itoa(MaxUsernameChars)+" characters")
	}
	for i := 0; i < n; i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '.', c == '_', c == '-', c == '@':
		default:
			return invalidField("username", "may contain only letters, digits and . _ - @")
		}
	}
	return nil
}

// validatePasswordHash checks a password hash handed to the store.
func validatePasswordHash(hash *string) error {
	if hash == nil {
		return nil
	}
	if *hash == "" || len(*hash) > MaxPasswordHashLen {
		return invalidField("password", "is not a valid password hash")
	}
	return nil
}

// CreateUser inserts u and fills in its ID and timestamps; a database
// trigger creates the user's empty profile. The username is trimmed and
// must pass ValidateUsername; an empty Role means RoleUser. u.Password must
// already be hashed (or nil for no password). A username already taken, in
// any letter case, is a *ConflictError (ErrConflict).
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	if u == nil {
		return invalidField("user", "is required")
	}
	name := strings.TrimSpace(u.Username)
	var v validator
	if err := ValidateUsername(name); err != nil {
		v.add("username", err.(*ValidationError).Fields["username"])
	}
	role := u.Role
	if role == "" {
		role = RoleUser
	}
	if !role.Valid() {
		v.add("role", "must be user or admin")
	}
	if err := validatePasswordHash(u.Password); err != nil {
		v.add("password", err.(*ValidationError).Fields["password"])
	}
	if err := v.err(); err != nil {
		return err
	}
	now := s.clock()
	row := User{Username: name, Password: u.Password, Role: role, LastLogin: utcPtr(u.LastLogin), CreatedAt: now, UpdatedAt: now}
	err := s.inTx(ctx, "create user", func(tx *gorm.DB) error {
		if err := s.serialize(tx, lockCreateUser); err != nil {
			return err
		}
		var existing User
		err := findOne(tx.Where("lower(username) = lower(?)", name), &existing, "user")
		if err == nil {
			return &ConflictError{Resource: "user", Field: "username", ExistingID: existing.ID}
		}
		if !isNotFound(err) {
			return err
		}
		if err := tx.Create(&row).Error; err != nil {
			if isUniqueViolation(err) {
				return &ConflictError{Resource: "user", Field: "username"}
			}
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	*u = row
	return nil
}

// User returns the user with the given id, or ErrNotFound.
func (s *Store) User(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := findOne(s.read(ctx).Where("id = ?", id), &u, fmt.Sprintf("user %d", id)); err != nil {
		return nil, wrapDB("user", err)
	}
	return &u, nil
}

// UserByUsername returns the user called name (trimmed, compared
// case-insensitively), or ErrNotFound.
func (s *Store) UserByUsername(ctx context.Context, name string) (*User, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, notFound("user")
	}
	db := s.read(ctx)
	var u User
	err := findOne(db.Where("username = ?", name), &u, "user")
	if isNotFound(err) {
		err = findOne(db.Where("lower(username) = lower(?)", name).Order("id"), &u, "user")
	}
	if err != nil {
		return nil, wrapDB("user by username", err)
	}
	return &u, nil
}

// Users returns every user, oldest first.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	users := []User{}
	if err := s.read(ctx).Order("id").Find(&users).Error; err != nil {
		return nil, wrapDB("list users", err)
	}
	return users, nil
}

// CountUsers returns the number of users.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	if err := s.read(ctx).Model(&User{}).Count(&n).Error; err != nil {
		return 0, wrapDB("count users", err)
	}
	return n, nil
}

// updateUser sets columns on user id in a write transaction, returning
// ErrNotFound if there is no such user.
func (s *Store) updateUser(ctx context.Context, op string, id int64, set map[string]any) error {
	return s.inTx(ctx, op, func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ?", id).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound(fmt.Sprintf("user %d", id))
		}
		return nil
	})
}

// SetPassword replaces the password hash of userID; nil removes the
// password (the user can then sign in only through OAuth). The hash must
// already be computed. It returns ErrNotFound for an unknown user.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash *string) error {
	if err := validatePasswordHash(hash); err != nil {
		return err
	}
	return s.updateUser(ctx, "set password", userID, map[string]any{"password": hash, "updated_at": s.clock()})
}

// TouchLastLogin records t (stored in UTC) as the last successful login of
// userID. It returns ErrNotFound for an unknown user.
func (s *Store) TouchLastLogin(ctx context.Context, userID int64, t time.Time) error {
	return s.updateUser(ctx, "touch last login", userID, map[string]any{"last_login": t.UTC()})
}

// SetRole changes the role of userID to RoleUser or RoleAdmin (ErrLastAdmin
// when it would demote the only administrator); any other
// role is a *ValidationError. It returns ErrNotFound for an unknown user.
func (s *Store) SetRole(ctx context.Context, userID int64, role Role) error {
	if !role.Valid() {
		return invalidField("role", "must be user or admin")
	}
	return s.inTx(ctx, "set role", func(tx *gorm.DB) error {
		if role != RoleAdmin {
			// Checked inside the write transaction, so two administrators
			// demoting each other at once cannot leave none.
			var others int64
			if err := tx.Model(&User{}).Where("role = ? AND id <> ?", string(RoleAdmin), userID).Count(&others).Error; err != nil {
				return err
			}
			var target User
			if err := findOne(tx.Where("id = ?", userID), &target, fmt.Sprintf("user %d", userID)); err != nil {
				return err
			}
			if target.Role == RoleAdmin && others == 0 {
				return ErrLastAdmin
			}
		}
		res := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"role": string(role), "updated_at": s.clock()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound(fmt.Sprintf("user %d", userID))
		}
		return nil
	})
}

// DeleteUser deletes userID and, through the foreign keys' ON DELETE
// CASCADE, everything the user owns: jobs, profile, work experiences,
// education, certifications, quota rows and generated documents. Companies
// are shared and stay. It returns ErrNotFound for an unknown user.
func (s *Store) DeleteUser(ctx context.Context, userID int64) error {
	return s.inTx(ctx, "delete user", func(tx *gorm.DB) error {
		res := tx.Where("id = ?", userID).Delete(&User{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound(fmt.Sprintf("user %d", userID))
		}
		return nil
	})
}
