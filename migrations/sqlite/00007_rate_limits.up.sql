-- 00007_rate_limits: counts of sign-in and registration attempts per key
-- (a username, a client address) in fixed windows. They live in the database
-- so that every Vega process sharing it counts together, and a restart
-- forgets nothing. Rows whose window has ended are deleted hourly.
CREATE TABLE rate_limits (
  name TEXT PRIMARY KEY,                           -- limiter and key, e.g. 'login|ip:192.0.2.1'
  hits INTEGER NOT NULL,
  window_end TIMESTAMP NOT NULL);
CREATE INDEX idx_rate_limits_window_end ON rate_limits(window_end);
