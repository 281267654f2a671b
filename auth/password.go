// Package auth holds Vega's account security: password hashing, tokens and
// sessions. It never imports server.
package auth

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// Password length bounds in bytes. bcrypt reads at most 72 bytes, so longer
// passwords are refused rather than silently truncated.
const (
	MinPasswordBytes = 8
	MaxPasswordBytes = 72
)

// DefaultBcryptCost is the bcrypt cost used when none is configured.
const DefaultBcryptCost = 12

// ErrPasswordLength is returned for a password outside the accepted length.
var ErrPasswordLength = fmt.Errorf("password must be %d to %d bytes long", MinPasswordBytes, MaxPasswordBytes)

// ValidatePassword checks a new password's length.
func ValidatePassword(pw string) error {
	if len(pw) < MinPasswordBytes || len(pw) > MaxPasswordBytes {
		return ErrPasswordLength
	}
	return nil
}

// HashPassword validates pw and returns its bcrypt hash at the given cost
// (at least bcrypt's minimum of 10 is enforced).
func HashPassword(pw string, cost int) (string, error) {
	if err := ValidatePassword(pw); err != nil {
		return "", err
	}
	if cost < 10 {
		cost = 10
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether pw matches the bcrypt hash.
func CheckPassword(hash, pw string) bool {
	if hash == "" || len(pw) > MaxPasswordBytes {
		return false
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw))
	return err == nil
}
