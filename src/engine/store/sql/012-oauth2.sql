-- 012: accounts that sign in with OAuth2 (issue 17). sign_in is
-- 'password', 'oauth2' (Tern's own browser sign-in) or 'goa' (GNOME Online
-- Accounts); oauth2_provider names the provider ('google', ...) or the GOA
-- account id. Tokens are never stored here: the refresh token lives in the
-- keyring, access tokens only in memory.
ALTER TABLE accounts ADD COLUMN sign_in TEXT NOT NULL DEFAULT 'password';
ALTER TABLE accounts ADD COLUMN oauth2_provider TEXT;
