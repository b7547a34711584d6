-- Bulk POC imports (issue 22): one row per `POST /v1/pocs/import`, a job of the poc actor's job
-- kit (infra/jobs: the job columns status .. completed_at as in 500_code_exec). The rows to import
-- stay on the job row (the queue carries only its id); the run writes back how far it got
-- (`processed`, so a retried run resumes after the last finished batch), how many it created and
-- the per-row errors ({row, field, message}, row numbers from 1).
CREATE TABLE poc_imports (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id),
  rows jsonb NOT NULL,
  total integer NOT NULL,
  processed integer NOT NULL DEFAULT 0,
  created_count integer NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]',
  status varchar(10) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  attempts smallint NOT NULL DEFAULT 0,
  lease_until timestamptz,
  enqueued_at timestamptz,
  error text,
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
-- The recovery sweep reads only unfinished jobs, across tenants.
CREATE INDEX poc_imports_unfinished ON poc_imports (status, updated) WHERE status IN ('PENDING', 'PROCESSING');
SELECT app_isolate_tenant('poc_imports');
