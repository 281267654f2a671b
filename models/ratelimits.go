package models

import (
	"context"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// RateLimit is one key's attempt count in its current window (table
// rate_limits).
type RateLimit struct {
	// Name is the limiter's name and the key, such as "login|ip:192.0.2.1".
	Name      string `gorm:"primaryKey"`
	Hits      int
	WindowEnd time.Time
}

// TableName maps RateLimit to the rate_limits table.
func (RateLimit) TableName() string { return "rate_limits" }

// errLimited rolls TakeRateLimit's transaction back when a key is at its
// limit, so that nothing is counted.
var errLimited = errors.New("rate limited")

// TakeRateLimit counts one attempt for every name, all or nothing, in
// fixed windows of length window starting at each name's first attempt.
// When a name already has limit attempts in its open window nothing is
// counted, and it returns false and how long until the latest blocking
// window ends. Counting before the guarded action (rather than after it
// fails) means concurrent attempts cannot overshoot the limit, from one
// process or several.
func (s *Store) TakeRateLimit(ctx context.Context, limit int, window time.Duration, names ...string) (bool, time.Duration, error) {
	now := s.clock()
	var wait time.Duration
	// One order for every caller, so two transactions locking the same names
	// cannot deadlock on PostgreSQL.
	names = slices.Compact(slices.Sorted(slices.Values(names)))
	err := s.inTx(ctx, "rate limit", func(tx *gorm.DB) error {
		for _, name := range names {
			if err := s.serialize(tx, "rate limit|"+name); err != nil {
				return err
			}
			var row RateLimit
			err := findOne(tx.Where("name = ?", name), &row, "rate limit")
			switch {
			case isNotFound(err), err == nil && !row.WindowEnd.After(now):
				row = RateLimit{Name: name, WindowEnd: now.Add(window)}
			case err != nil:
				return err
			}
			if row.Hits >= limit {
				wait = max(wait, row.WindowEnd.Sub(now))
				continue
			}
			row.Hits++
			if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
				return err
			}
		}
		if wait > 0 {
			return errLimited
		}
		return nil
	})
	switch {
	case errors.Is(err, errLimited):
		return false, wait, nil
	case err != nil:
		return false, 0, err
	}
	return true, 0, nil
}

// ReturnRateLimit gives back one attempt taken for each name, for an
// attempt that turned out not to count (such as a successful sign-in).
func (s *Store) ReturnRateLimit(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	return s.inTx(ctx, "return rate limit", func(tx *gorm.DB) error {
		return tx.Model(&RateLimit{}).Where("name IN ? AND hits > 0 AND window_end > ?", names, s.clock()).
			Update("hits", gorm.Expr("hits - 1")).Error
	})
}

// DeleteExpiredRateLimits deletes the rows whose window has ended,
// returning how many went.
func (s *Store) DeleteExpiredRateLimits(ctx context.Context) (int64, error) {
	res := s.write(ctx).Where("window_end <= ?", s.clock()).Delete(&RateLimit{})
	return res.RowsAffected, wrapDB("delete expired rate limits", res.Error)
}
