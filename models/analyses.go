package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// JobAnalysis is the latest match analysis of one job (table job_analyses,
// migration 00005). Result holds the analyser's whole result as JSON;
// ProfileUpdatedAt is the profile's updated_at the analysis was computed
// from, so a client can tell when the profile changed since.
type JobAnalysis struct {
	JobID            int64      `gorm:"column:job_id;primaryKey;autoIncrement:false" json:"job_id"`
	UserID           int64      `gorm:"column:user_id" json:"-"`
	Score            int        `gorm:"column:score" json:"score"`
	Result           string     `gorm:"column:result" json:"-"`
	ProfileUpdatedAt *time.Time `gorm:"column:profile_updated_at" json:"profile_updated_at"`
	CreatedAt        time.Time  `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
}

// ResultJSON returns Result as raw JSON, for embedding in an answer.
func (a *JobAnalysis) ResultJSON() json.RawMessage { return json.RawMessage(a.Result) }

// TableName returns "job_analyses".
func (JobAnalysis) TableName() string { return "job_analyses" }

// SaveJobAnalysis stores a as the analysis of userID's job a.JobID, replacing
// any earlier one, and sets the job's match_score and updated_at to match,
// in one transaction. It returns the updated job with its Company loaded.
// The job must belong to userID (ErrNotFound otherwise); the score must be
// 0 to 100 and the result a JSON object (*ValidationError otherwise).
func (s *Store) SaveJobAnalysis(ctx context.Context, userID int64, a *JobAnalysis) (*Job, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	if a == nil {
		return nil, invalidField("analysis", "is required")
	}
	var v validator
	if a.Score < 0 || a.Score > 100 {
		v.add("score", "must be between 0 and 100")
	}
	var obj map[string]any
	if json.Unmarshal([]byte(a.Result), &obj) != nil || obj == nil {
		v.add("result", "must be a JSON object")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var out *Job
	err := s.inTx(ctx, "save job analysis", func(tx *gorm.DB) error {
		now := s.clock()
		res := tx.Model(&Job{}).Scopes(ForUser(userID)).Where("id = ?", a.JobID).
			Updates(map[string]any{"match_score": a.Score, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound(fmt.Sprintf("job %d", a.JobID))
		}
		row := JobAnalysis{JobID: a.JobID, UserID: userID, Score: a.Score, Result: a.Result, CreatedAt: now}
		if a.ProfileUpdatedAt != nil {
			t := a.ProfileUpdatedAt.UTC()
			row.ProfileUpdatedAt = &t
		}
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "job_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"score", "result", "profile_updated_at", "created_at"}),
		}).Create(&row).Error
		if err != nil {
			return err
		}
		*a = row
		out, err = jobTx(tx, userID, a.JobID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// JobAnalysis returns the stored analysis of userID's job jobID, or
// ErrNotFound if the job has none or is not the user's.
func (s *Store) JobAnalysis(ctx context.Context, userID, jobID int64) (*JobAnalysis, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	var a JobAnalysis
	if err := findOne(s.read(ctx).Scopes(ForUser(userID)).Where("job_id = ?", jobID), &a, fmt.Sprintf("analysis of job %d", jobID)); err != nil {
		return nil, wrapDB("job analysis", err)
	}
	return &a, nil
}
