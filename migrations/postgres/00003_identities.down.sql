-- 00003_identities: drop the OAuth identities and the extension's one-time codes.
DROP TABLE auth_codes;
DROP TABLE identities;
