-- 00006_settings: server-wide values shared by every Vega process on the
-- database, one row per name. Today: 'secret', the key that signs tokens and
-- seals OAuth state when VEGA_SECRET is unset and the database is PostgreSQL,
-- so that several servers on one database agree on it without configuration.
-- (On SQLite the generated secret stays in <data dir>/secret, as before.)
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
