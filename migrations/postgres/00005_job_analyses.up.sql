-- 00005_job_analyses: the latest match analysis of each job, with its evidence.
-- jobs.match_score keeps the score (for sorting and filtering); this table keeps
-- the whole result as JSON (matched skills with where the profile shows them,
-- missing skills, highlights, feedback, provider and model) and the profile's
-- updated_at when it was computed, so a client can tell the analysis is stale.
CREATE TABLE job_analyses (
  job_id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  score INTEGER NOT NULL,
  result TEXT NOT NULL,                            -- JSON of analysis.Result
  profile_updated_at TIMESTAMPTZ,                    -- profiles.updated_at the analysis was computed from
  created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE CASCADE,
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  CHECK (score >= 0 AND score <= 100));
CREATE INDEX idx_job_analyses_user_id ON job_analyses(user_id);
