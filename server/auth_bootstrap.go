package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/vega-ai/vega/auth"
	"github.com/vega-ai/vega/models"
)

// EnsureAdmin creates an admin account called username with password, at
// bcrypt cost, unless a user of that name (in any letter case) already
// exists. It returns the user of that name and whether it created it. An
// existing user is left exactly as it is, its password and role included,
// so running it at every start-up is safe; a caller may warn when the
// returned user is not an admin. It is how VEGA_ADMIN_USERNAME and
// VEGA_ADMIN_PASSWORD take effect.
func EnsureAdmin(ctx context.Context, store *models.Store, username, password string, cost int) (*models.User, bool, error) {
	u, err := store.UserByUsername(ctx, username)
	if err == nil {
		return u, false, nil
	}
	if !errors.Is(err, models.ErrNotFound) {
		return nil, false, err
	}
	hash, err := auth.HashPassword(password, cost)
	if err != nil {
		return nil, false, fmt.Errorf("admin password: %w", err)
	}
	u = &models.User{Username: username, Password: &hash, Role: models.RoleAdmin}
	if err := store.CreateUser(ctx, u); err != nil {
		if errors.Is(err, models.ErrConflict) { // created meanwhile by another process
			u, err := store.UserByUsername(ctx, username)
			return u, false, err
		}
		return nil, false, err
	}
	return u, true, nil
}
