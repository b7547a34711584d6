-- Tenants run themselves (issue 18): who may join, the tenant's own settings, invitations, an
-- audit trail of administrative changes, and account tokens for password reset and email change.

-- Existing tenants become invite-only: the column default applies to every existing row, which
-- is the safe choice for a company's private POCs.
ALTER TABLE tenants
  ADD COLUMN domain varchar(253),
  ADD COLUMN membership varchar(8) NOT NULL DEFAULT 'invite' CHECK (membership IN ('open', 'invite', 'domain')),
  ADD COLUMN allowed_domains text[] NOT NULL DEFAULT '{}',
  -- The customers are in Brazil: a tenant speaks pt-BR, counts its days in Sao Paulo and pays in
  -- BRL until its admin says otherwise (PUT /v1/tenant).
  ADD COLUMN locale varchar(5) NOT NULL DEFAULT 'pt-BR' CHECK (locale IN ('en', 'pt-BR')),
  ADD COLUMN time_zone varchar(64) NOT NULL DEFAULT 'America/Sao_Paulo',
  ADD COLUMN currency char(3) NOT NULL DEFAULT 'BRL' CHECK (currency IN ('USD', 'BRL'));

-- An invitation is its link: only the token's digest is kept. One live invitation per address.
CREATE TABLE invitations (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  email varchar(50) NOT NULL,
  role varchar(12) NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'facilitator', 'member')),
  token_hash char(64) NOT NULL UNIQUE,
  invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  revoked_at timestamptz,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX invitations_live_email ON invitations (tenant_id, lower(email)) WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_tenant ON invitations (tenant_id, created DESC, id);

-- Who changed what about whom: role changes, (de)activations, invitations, tenant settings.
CREATE TABLE audit_log (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
  action varchar(40) NOT NULL,
  target_id uuid,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, created DESC, id);

-- Numbered below 900, which defines app_isolate_tenant: on a fresh database this runs first and
-- writes the policy as 002 does (900 then rewrites it); on a database past 900 it uses the helper.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['invitations', 'audit_log'] LOOP
    IF to_regprocedure('app_isolate_tenant(regclass, name)') IS NOT NULL THEN
      EXECUTE format('SELECT app_isolate_tenant(%L)', t);
    ELSE
      EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
      EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
      EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id))', t);
    END IF;
  END LOOP;
END $$;

-- Reset (password by mail), email (a new address confirmed from its own mail; detail holds it),
-- delete (the confirmation step of deleting one's account).
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check CHECK (purpose IN ('confirm', 'reset', 'email', 'delete'));
ALTER TABLE account_tokens ADD COLUMN detail varchar(50);

-- A deleted account keeps its row (POCs, payments and dojos point at it) with nothing personal left.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
