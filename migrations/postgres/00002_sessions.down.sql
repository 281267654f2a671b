-- 00002_sessions: drop the sessions table and its indexes.
DROP TABLE sessions;
