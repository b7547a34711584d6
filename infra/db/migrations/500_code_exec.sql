-- Code execution (issue 16): every run of a room's code is a job of the code-exec actor's job kit.
-- The job columns (status .. completed_at) are the kit's, as in reports (001 + 400): `status` is
-- the job's life (PENDING, PROCESSING, COMPLETED, FAILED); how the program ended is `result_status`.
CREATE TABLE code_executions (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id),
  dojo_id uuid NOT NULL REFERENCES dojos (id) ON DELETE CASCADE,
  language varchar(20) NOT NULL,
  code text NOT NULL,
  tests text,
  status varchar(10) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  attempts smallint NOT NULL DEFAULT 0,
  lease_until timestamptz,
  enqueued_at timestamptz,
  error text,
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  -- The result (seed 003's ExecutionResult).
  result_status varchar(20) CHECK (result_status IN ('COMPLETED', 'ERROR', 'TIMEOUT', 'MEMORY_LIMIT', 'OUTPUT_LIMIT', 'KILLED', 'SANDBOX_UNAVAILABLE')),
  stdout text,
  stderr text,
  output text,
  execution_time_ms integer,
  cpu_time_ms integer,
  memory_used_bytes bigint,
  result_error jsonb,
  test_results jsonb
);
-- A dojo's runs, newest first (REST list), with the tie-breaking id.
CREATE INDEX code_executions_dojo_created ON code_executions (tenant_id, dojo_id, created DESC, id);
-- Admission counts a room's and a tenant's unfinished runs; the recovery sweep reads them too.
CREATE INDEX code_executions_unfinished ON code_executions (tenant_id, dojo_id) WHERE status IN ('PENDING', 'PROCESSING');
CREATE INDEX code_executions_unfinished_sweep ON code_executions (status, updated) WHERE status IN ('PENDING', 'PROCESSING');
-- Tenant isolation as migration 300 writes it: app_isolate_tenant() comes with migration 900,
-- which a fresh database applies after this one and which rewrites every `tenant_isolation`
-- policy to its once-per-query form (on a database already past 900 it is rewritten next time).
ALTER TABLE code_executions ENABLE ROW LEVEL SECURITY;
ALTER TABLE code_executions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON code_executions USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));
DO $$
BEGIN
  -- Already past 900 (an existing database): the once-per-query form now.
  IF to_regprocedure('app_isolate_tenant(regclass,name)') IS NOT NULL THEN
    PERFORM app_isolate_tenant('code_executions'::regclass);
  END IF;
END $$;

-- The tests a dojo room's code runs against (a kata breakout room sets them); null: plain runs.
ALTER TABLE dojos ADD COLUMN tests text;
