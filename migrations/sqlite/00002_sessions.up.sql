-- 00002_sessions: refresh tokens (kind 'api') and dashboard sessions (kind 'web').
-- Only a SHA-256 hash of each opaque token is stored. Rotating a refresh token
-- inserts a new row in the same family (the chain of tokens of one sign-in) and
-- points the old row's replaced_by at it; presenting a replaced token revokes
-- the whole family.
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,                 -- hex SHA-256 of the token
  family_id TEXT NOT NULL,                         -- random id shared by a chain of rotated tokens
  kind TEXT NOT NULL,                              -- 'api' (refresh token) or 'web' (dashboard cookie)
  user_agent TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,  -- when the family began (sign-in)
  last_used_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires_at TIMESTAMP NOT NULL,
  revoked_at TIMESTAMP,                            -- signed out, or the family was revoked
  replaced_by INTEGER,                             -- id of the row that replaced this one on rotation
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  CHECK (kind IN ('api', 'web')));
CREATE INDEX idx_sessions_user_id ON sessions(user_id);
CREATE INDEX idx_sessions_family_id ON sessions(family_id);
