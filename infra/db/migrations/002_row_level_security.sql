-- Row-level security as a second wall behind application scoping. The application runs as the
-- non-owner role pocdojo_app; a transaction sees a tenant's rows only after
-- set_config('app.tenant_id', <uuid>, true). System work (login by slug, batch jobs) sets
-- app.rls_bypass = 'on' explicitly.
DO $$
BEGIN
  CREATE ROLE pocdojo_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$
BEGIN
  EXECUTE format('GRANT pocdojo_app TO %I', current_user);
EXCEPTION WHEN OTHERS THEN NULL;
END $$;
GRANT USAGE ON SCHEMA public TO pocdojo_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pocdojo_app;

CREATE FUNCTION app_tenant_visible(row_tenant uuid) RETURNS boolean
  LANGUAGE sql STABLE AS $$
    SELECT current_setting('app.rls_bypass', true) = 'on'
        OR row_tenant = NULLIF(current_setting('app.tenant_id', true), '')::uuid
  $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'account_tokens', 'sessions', 'refresh_tokens', 'notifications', 'billing',
    'payments', 'pocs', 'poc_tags', 'poc_frameworks', 'poc_favorites', 'dojos', 'dojo_participants',
    'dojo_chat_messages', 'dojo_code_snapshots', 'recordings', 'reports', 'content_requests']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id))', t);
  END LOOP;
END $$;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants USING (app_tenant_visible(id)) WITH CHECK (app_tenant_visible(id));

-- Tables added by later migrations are reachable by the application role too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pocdojo_app;
