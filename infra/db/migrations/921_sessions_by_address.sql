-- Login asks whether an account has ever signed in from the caller's address (a known address
-- passes a lockout meant for strangers); revoked sessions count too, so the partial index of 001
-- does not serve it.
CREATE INDEX sessions_user_address ON sessions (tenant_id, user_id, ip);
