package server

import (
	"context"
	"time"

	"github.com/vega-ai/vega/models"
)

// attemptLimiter counts attempts of one kind (sign-ins, registrations) per
// key in the database (table rate_limits), so that every Vega process
// sharing the database counts together and a restart forgets nothing.
type attemptLimiter struct {
	name   string // prefix of the stored names: "login", "register"
	limit  int
	window time.Duration
}

// names returns the stored names of keys.
func (l attemptLimiter) names(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = l.name + "|" + k
	}
	return out
}

// Take counts one attempt for every key, all or nothing; when a key is at
// its limit it counts nothing and returns false and how long to wait.
func (l attemptLimiter) Take(ctx context.Context, store *models.Store, keys ...string) (bool, time.Duration, error) {
	return store.TakeRateLimit(ctx, l.limit, l.window, l.names(keys)...)
}

// Return gives back an attempt that turned out not to count (a successful
// sign-in).
func (l attemptLimiter) Return(ctx context.Context, store *models.Store, keys ...string) error {
	return store.ReturnRateLimit(ctx, l.names(keys)...)
}
