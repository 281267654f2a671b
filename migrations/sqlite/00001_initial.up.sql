-- 00001_initial: the schema of /work/shared/SCHEMA.md (copied in testdata/SCHEMA.md).
-- TestSchemaMatchesSpec fails if this file and SCHEMA.md disagree.

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL,
  password TEXT,                                   -- bcrypt hash; NULL for OAuth-only users
  role TEXT NOT NULL DEFAULT 'user',               -- 'user' or 'admin'
  last_login TIMESTAMP,                            -- last successful login
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE UNIQUE INDEX idx_users_username ON users(username);

-- Shared across users on purpose: one row per company name, reused by every user's jobs.
CREATE TABLE companies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE UNIQUE INDEX idx_companies_name ON companies(name);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  location TEXT,
  job_type INTEGER NOT NULL DEFAULT 0,
  source_url TEXT,
  required_skills TEXT,                            -- JSON array of strings
  application_url TEXT,
  company_id INTEGER NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  match_score INTEGER,
  notes TEXT,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (company_id) REFERENCES companies(id),
  CHECK (match_score IS NULL OR (match_score >= 0 AND match_score <= 100)));
CREATE INDEX idx_jobs_user_id ON jobs(user_id);
CREATE INDEX idx_jobs_user_id_status ON jobs(user_id, status);
CREATE INDEX idx_jobs_user_id_created_at ON jobs(user_id, created_at DESC);
CREATE UNIQUE INDEX idx_jobs_user_id_source_url ON jobs(user_id, source_url);  -- one job per URL per user
CREATE INDEX idx_jobs_title ON jobs(title);
CREATE INDEX idx_jobs_status ON jobs(status);
CREATE INDEX idx_jobs_match_score ON jobs(match_score);
CREATE INDEX idx_jobs_company_id ON jobs(company_id);
CREATE INDEX idx_jobs_user_id_match_score ON jobs(user_id, match_score DESC);

-- One profile per user, created by a trigger when the user is created.
CREATE TABLE profiles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL UNIQUE,
  first_name TEXT DEFAULT '', last_name TEXT DEFAULT '', title TEXT DEFAULT '',
  industry INTEGER DEFAULT 64,                     -- 64 = industry unspecified
  career_summary TEXT DEFAULT '',
  skills TEXT DEFAULT '',                          -- JSON array of strings
  phone_number TEXT DEFAULT '', email TEXT DEFAULT '', location TEXT DEFAULT '',
  linkedin_profile TEXT DEFAULT '', github_profile TEXT DEFAULT '', website TEXT DEFAULT '',
  context TEXT DEFAULT '',                         -- free text the user adds for the AI
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE);
CREATE INDEX idx_profiles_user_id ON profiles(user_id);
CREATE TRIGGER create_profile_after_user_insert AFTER INSERT ON users FOR EACH ROW
BEGIN INSERT INTO profiles (user_id, created_at) VALUES (NEW.id, CURRENT_TIMESTAMP); END;

CREATE TABLE work_experiences (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  profile_id INTEGER NOT NULL,
  company TEXT NOT NULL, title TEXT NOT NULL, location TEXT,
  start_date TIMESTAMP NOT NULL, end_date TIMESTAMP,
  description TEXT, current BOOLEAN DEFAULT 0,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (profile_id) REFERENCES profiles(id) ON DELETE CASCADE);
CREATE INDEX idx_work_experiences_profile_id ON work_experiences(profile_id);
CREATE INDEX idx_work_experiences_start_date ON work_experiences(start_date);

CREATE TABLE education (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  profile_id INTEGER NOT NULL,
  institution TEXT NOT NULL, degree TEXT NOT NULL, field_of_study TEXT,
  start_date TIMESTAMP NOT NULL, end_date TIMESTAMP, description TEXT,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (profile_id) REFERENCES profiles(id) ON DELETE CASCADE);
CREATE INDEX idx_education_profile_id ON education(profile_id);
CREATE INDEX idx_education_start_date ON education(start_date);

CREATE TABLE certifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  profile_id INTEGER NOT NULL,
  name TEXT NOT NULL, issuing_org TEXT NOT NULL,
  issue_date TIMESTAMP NOT NULL, expiry_date TIMESTAMP,
  credential_id TEXT, credential_url TEXT,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (profile_id) REFERENCES profiles(id) ON DELETE CASCADE);
CREATE INDEX idx_certifications_profile_id ON certifications(profile_id);
CREATE INDEX idx_certifications_issue_date ON certifications(issue_date);

-- AI usage per user and period; limits apply in cloud mode only.
CREATE TABLE quota_usage (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  quota_type TEXT NOT NULL,
  period_start TIMESTAMP NOT NULL, period_end TIMESTAMP NOT NULL,
  used_count INTEGER NOT NULL DEFAULT 0, limit_count INTEGER NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE);
CREATE INDEX idx_quota_usage_user_id ON quota_usage(user_id);
CREATE INDEX idx_quota_usage_user_id_type_period ON quota_usage(user_id, quota_type, period_start, period_end);

CREATE TABLE quota_usage_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  quota_type TEXT NOT NULL,
  job_id INTEGER,
  action TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE SET NULL);
CREATE INDEX idx_quota_history_user_id ON quota_usage_history(user_id);
CREATE INDEX idx_quota_history_created_at ON quota_usage_history(created_at DESC);

CREATE TABLE generated_documents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  job_id INTEGER,
  document_type TEXT NOT NULL,                     -- e.g. 'cover_letter', 'cv'
  content TEXT NOT NULL,
  format TEXT NOT NULL DEFAULT 'html',
  metadata TEXT,                                   -- JSON
  expires_at TIMESTAMP,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE SET NULL);
CREATE INDEX idx_generated_documents_user_id ON generated_documents(user_id);
CREATE INDEX idx_generated_documents_job_id ON generated_documents(job_id);
CREATE INDEX idx_generated_documents_expires_at ON generated_documents(expires_at);
