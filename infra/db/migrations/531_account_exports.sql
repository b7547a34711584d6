-- "Export my data" (issue 18, LGPD): one job row per request, run by the tenant actor's job kit
-- (the kit's columns, as reports have them after 400_render_jobs), the JSON archive in the bucket.
CREATE TABLE account_exports (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  status varchar(10) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  attempts smallint NOT NULL DEFAULT 0,
  lease_until timestamptz,
  enqueued_at timestamptz,
  error text,
  object_key text,
  size_bytes bigint,
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE INDEX account_exports_user ON account_exports (tenant_id, user_id, created DESC);
CREATE INDEX account_exports_unfinished ON account_exports (status, updated) WHERE status IN ('PENDING', 'PROCESSING');

-- As in 530: the helper of 900 when it exists, the policy of 002 otherwise (900 rewrites it).
DO $$
BEGIN
  IF to_regprocedure('app_isolate_tenant(regclass, name)') IS NOT NULL THEN
    PERFORM app_isolate_tenant('account_exports');
  ELSE
    ALTER TABLE account_exports ENABLE ROW LEVEL SECURITY;
    ALTER TABLE account_exports FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON account_exports USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));
  END IF;
END $$;
