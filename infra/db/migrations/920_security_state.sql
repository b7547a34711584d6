-- Security state that must outlive a restart when no Redis is configured: session revocations
-- and login failure counters/lockouts (infra/kv/PostgresExpiringStore.ts). A key holds either one
-- value (member '') or a set (one row per member). Rows past expires_at read as absent and are
-- purged periodically. Not tenant-owned: revocations span tenants and counters are keyed by
-- what a client typed, so there is no tenant_id to isolate on (no RLS, CONTRIBUTING "Data").
CREATE TABLE security_state (
  key text NOT NULL,
  member text NOT NULL DEFAULT '',
  value text NOT NULL DEFAULT '',
  expires_at timestamptz,
  PRIMARY KEY (key, member)
);
CREATE INDEX security_state_expiry ON security_state (expires_at) WHERE expires_at IS NOT NULL;
