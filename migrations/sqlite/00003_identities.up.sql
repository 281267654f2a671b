-- 00003_identities: OAuth sign-in.
-- identities links an account at an OAuth/OpenID Connect provider to a Vega
-- user. It is keyed by the provider's own user id (subject), never by e-mail:
-- an e-mail is recorded for display only and is never used to find a user.
CREATE TABLE identities (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  provider TEXT NOT NULL,                          -- 'google', 'github', 'oidc'
  subject TEXT NOT NULL,                           -- the provider's stable user id
  email TEXT NOT NULL DEFAULT '',                  -- as the provider reported it, for display
  login TEXT NOT NULL DEFAULT '',                  -- the provider's username, for display
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_used_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE);
CREATE UNIQUE INDEX idx_identities_provider_subject ON identities(provider, subject);
CREATE INDEX idx_identities_user_id ON identities(user_id);

-- auth_codes holds the one-time codes that hand an OAuth sign-in to the
-- browser extension: the SHA-256 of a 256-bit random code, valid for a
-- minute and only once. They live in the database so that any Vega process
-- can redeem a code another one issued.
CREATE TABLE auth_codes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  code_hash TEXT NOT NULL UNIQUE,                  -- hex SHA-256 of the code
  expires_at TIMESTAMP NOT NULL,
  used_at TIMESTAMP,                               -- set when the code is redeemed
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE);
CREATE INDEX idx_auth_codes_user_id ON auth_codes(user_id);
CREATE INDEX idx_auth_codes_expires_at ON auth_codes(expires_at);
