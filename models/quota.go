package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// QuotaType names a metered AI feature.
type QuotaType string

// The quota types. Each has its own monthly counter in quota_usage.
const (
	QuotaAnalysis    QuotaType = "analysis"
	QuotaCoverLetter QuotaType = "cover_letter"
	QuotaCV          QuotaType = "cv"
)

// QuotaTypes lists every quota type in a stable order.
var QuotaTypes = []QuotaType{QuotaAnalysis, QuotaCoverLetter, QuotaCV}

// Valid reports whether t is a known quota type.
func (t QuotaType) Valid() bool {
	return t == QuotaAnalysis || t == QuotaCoverLetter || t == QuotaCV
}

// Actions recorded in quota_usage_history.
const (
	// ActionAnalyse is a counted job analysis.
	ActionAnalyse = "analyse"
	// ActionReanalyse is an analysis of a job already analysed (and counted)
	// in the same period: recorded, not counted.
	ActionReanalyse = "reanalyse"
	// ActionGenerate is a counted document generation.
	ActionGenerate = "generate"
)

// ErrQuotaExceeded reports that a user has used up a quota for the current
// period. Errors matching it are *QuotaExceededError. HTTP 429.
var ErrQuotaExceeded = errors.New("quota exceeded")

// QuotaExceededError says which quota ran out, its limit, and when it resets.
// It matches ErrQuotaExceeded with errors.Is.
type QuotaExceededError struct {
	Type     QuotaType
	Limit    int
	ResetsAt time.Time
}

// Error says which quota is used up and when it resets.
func (e *QuotaExceededError) Error() string {
	return fmt.Sprintf("monthly %s quota of %d used up; it resets at %s",
		e.Type, e.Limit, e.ResetsAt.UTC().Format(time.RFC3339))
}

// Is reports whether target is ErrQuotaExceeded.
func (e *QuotaExceededError) Is(target error) bool { return target == ErrQuotaExceeded }

// QuotaPeriod returns the calendar month, in UTC, that contains t: start is
// the first instant of the month and end the first instant of the next.
func QuotaPeriod(t time.Time) (start, end time.Time) {
	t = t.UTC()
	start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0)
}

// QuotaCharge is one use of a quota to be checked and counted by UseQuota.
type QuotaCharge struct {
	// Type is the quota to charge.
	Type QuotaType
	// Limit is the most uses allowed in a period; 0 or less means no limit
	// (self-hosted mode), in which case the use is still counted.
	Limit int
	// JobID is the job the use is for, if any.
	JobID *int64
	// OncePerJob makes a second use for the same job in the same period
	// free: it is recorded with ActionReanalyse and not counted (and is
	// allowed even at the limit). Analyses use it.
	OncePerJob bool
	// Action is recorded in quota_usage_history; "" means ActionAnalyse for
	// OncePerJob charges and ActionGenerate otherwise.
	Action string
}

// QuotaReceipt is what UseQuota did: the usage row after the charge, whether
// the use was counted, and the history row, which ReleaseQuota takes back.
type QuotaReceipt struct {
	Usage     QuotaUsage
	Counted   bool
	HistoryID int64
}

// UseQuota checks and counts one use of a quota for userID in the current
// calendar month (UTC), in one write transaction: either the use fits under
// the limit and is counted and logged, or nothing changes and the error is a
// *QuotaExceededError. Of N concurrent calls when one use is left, exactly
// one succeeds.
//
// The counter is raised with a conditional UPDATE (used_count < limit)
// whose affected-row count decides, and the period row is inserted only if
// missing, after the transaction has locked the user's row; so the method is
// also correct on a database with concurrent writers (PostgreSQL), where the
// lock serialises one user's charges and the conditional UPDATE is atomic.
func (s *Store) UseQuota(ctx context.Context, userID int64, ch QuotaCharge) (*QuotaReceipt, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	if !ch.Type.Valid() {
		return nil, invalidField("quota_type", "is not a known quota type")
	}
	action := ch.Action
	if action == "" {
		action = ActionGenerate
		if ch.OncePerJob {
			action = ActionAnalyse
		}
	}
	limit := max(ch.Limit, 0)
	var out *QuotaReceipt
	err := s.inTx(ctx, "use quota", func(tx *gorm.DB) error {
		out = nil
		now := s.clock()
		start, end := QuotaPeriod(now)
		// Lock the user's row: a no-op on SQLite's single writer, a row lock
		// serialising this user's charges on PostgreSQL.
		res := tx.Exec(`UPDATE users SET updated_at = updated_at WHERE id = ?`, userID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound("user")
		}
		if err := ensureQuotaRow(tx, userID, ch.Type, start, end, limit, now); err != nil {
			return err
		}
		counted, act := true, action
		if ch.OncePerJob && ch.JobID != nil {
			var n int64
			err := tx.Model(&QuotaUsageHistory{}).Scopes(ForUser(userID)).
				Where("quota_type = ? AND job_id = ? AND action = ? AND created_at >= ? AND created_at < ?",
					string(ch.Type), *ch.JobID, action, start, end).
				Count(&n).Error
			if err != nil {
				return err
			}
			if n > 0 {
				counted, act = false, ActionReanalyse
			}
		}
		if counted {
			q := tx.Model(&QuotaUsage{}).Scopes(ForUser(userID)).
				Where("quota_type = ? AND period_start = ?", string(ch.Type), start)
			if limit > 0 {
				q = q.Where("used_count < ?", limit)
			}
			res := q.Updates(map[string]any{
				"used_count":  gorm.Expr("used_count + 1"),
				"limit_count": limit,
				"updated_at":  now,
			})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return &QuotaExceededError{Type: ch.Type, Limit: limit, ResetsAt: end}
			}
		}
		h := QuotaUsageHistory{UserID: userID, QuotaType: string(ch.Type), JobID: ch.JobID, Action: act, CreatedAt: now}
		if err := tx.Create(&h).Error; err != nil {
			return err
		}
		var u QuotaUsage
		if err := findOne(tx.Scopes(ForUser(userID)).Where("quota_type = ? AND period_start = ?", string(ch.Type), start), &u, "quota usage"); err != nil {
			return err
		}
		out = &QuotaReceipt{Usage: u, Counted: counted, HistoryID: h.ID}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ensureQuotaRow inserts the (user, type, period) row of quota_usage unless it
// exists. The schema has no unique key on it, so the insert is conditional
// (INSERT ... SELECT ... WHERE NOT EXISTS) and relies on the caller's lock on
// the user's row against concurrent inserts.
func ensureQuotaRow(tx *gorm.DB, userID int64, t QuotaType, start, end time.Time, limit int, now time.Time) error {
	return tx.Exec(`INSERT INTO quota_usage (user_id, quota_type, period_start, period_end, used_count, limit_count, created_at, updated_at)
		SELECT ?, ?, ?, ?, 0, ?, ?, ?
		WHERE NOT EXISTS (SELECT 1 FROM quota_usage WHERE user_id = ? AND quota_type = ? AND period_start = ?)`,
		userID, string(t), start, end, limit, now, now, userID, string(t), start).Error
}

// ReleaseQuota takes back a use that UseQuota recorded when the work it paid
// for failed: it deletes the history row and, if the use was counted,
// lowers the counter of the period it was counted in. Releasing twice, or
// another user's receipt, changes nothing.
func (s *Store) ReleaseQuota(ctx context.Context, userID int64, r *QuotaReceipt) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	if r == nil || r.HistoryID == 0 {
		return nil
	}
	return s.inTx(ctx, "release quota", func(tx *gorm.DB) error {
		res := tx.Scopes(ForUser(userID)).Where("id = ?", r.HistoryID).Delete(&QuotaUsageHistory{})
		if res.Error != nil || res.RowsAffected == 0 || !r.Counted {
			return res.Error
		}
		return tx.Model(&QuotaUsage{}).Scopes(ForUser(userID)).
			Where("id = ? AND used_count > 0", r.Usage.ID).
			Updates(map[string]any{"used_count": gorm.Expr("used_count - 1"), "updated_at": s.clock()}).Error
	})
}

// QuotaStatus is one quota's state for the current period.
type QuotaStatus struct {
	Type        QuotaType `json:"quota_type"`
	Used        int       `json:"used"`
	Limit       *int      `json:"limit"`     // nil: no limit
	Remaining   *int      `json:"remaining"` // nil: no limit
	PeriodStart time.Time `json:"period_start"`
	ResetsAt    time.Time `json:"resets_at"`
}

// QuotaStatuses reports userID's use of every quota type in the current
// period against limits (a limit of 0 or less, or a type missing from the
// map, means no limit). It only reads.
func (s *Store) QuotaStatuses(ctx context.Context, userID int64, limits map[QuotaType]int) ([]QuotaStatus, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	start, end := QuotaPeriod(s.clock())
	var rows []QuotaUsage
	if err := s.read(ctx).Scopes(ForUser(userID)).Where("period_start = ?", start).Find(&rows).Error; err != nil {
		return nil, wrapDB("quota statuses", err)
	}
	used := map[QuotaType]int{}
	for _, r := range rows {
		used[QuotaType(r.QuotaType)] += r.UsedCount
	}
	out := make([]QuotaStatus, 0, len(QuotaTypes))
	for _, t := range QuotaTypes {
		st := QuotaStatus{Type: t, Used: used[t], PeriodStart: start, ResetsAt: end}
		if l := limits[t]; l > 0 {
			rem := max(l-st.Used, 0)
			st.Limit, st.Remaining = &l, &rem
		}
		out = append(out, st)
	}
	return out, nil
}

// QuotaHistory returns userID's most recent quota history rows, newest
// first, at most limit of them (1 to 100; other values mean 50).
func (s *Store) QuotaHistory(ctx context.Context, userID int64, limit int) ([]QuotaUsageHistory, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	if limit < 1 || limit > 100 {
		limit = 50
	}
	var out []QuotaUsageHistory
	if err := s.read(ctx).Scopes(ForUser(userID)).Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, wrapDB("quota history", err)
	}
	return out, nil
}
