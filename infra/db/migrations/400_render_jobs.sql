-- Render jobs (issue 7): reports and yearly videos rendered by the render actor from a durable queue.
--
-- The row is the job's source of truth; the queue message only says "look at row <id>".
--   lease_until  a worker claims a row by moving it to PROCESSING with a lease it renews with each
--                progress write; a second delivery of the same job finds the live lease and leaves
--                it alone, and a row whose lease ran out (its worker died) is handed out again.
--   enqueued_at  set once the queue accepted the message: a row still PENDING without it was never
--                published (crash between insert and publish) and is published by the recovery sweep.
ALTER TABLE reports
  ADD COLUMN source varchar(5) NOT NULL DEFAULT 'USER' CHECK (source IN ('USER', 'BATCH')),
  ADD COLUMN lease_until timestamptz,
  ADD COLUMN enqueued_at timestamptz;
-- The yearly batch makes one annual report per tenant and year, however often it is re-run.
CREATE UNIQUE INDEX reports_batch_year ON reports (tenant_id, year) WHERE source = 'BATCH' AND type = 'ANNUAL';
CREATE INDEX reports_tenant_user_created ON reports (tenant_id, user_id, created DESC);
-- The recovery sweep reads only unfinished jobs, across tenants.
CREATE INDEX reports_unfinished ON reports (status, updated) WHERE status IN ('PENDING', 'PROCESSING');

ALTER TABLE content_requests
  ADD COLUMN lease_until timestamptz,
  ADD COLUMN enqueued_at timestamptz;
CREATE INDEX content_requests_tenant_user_created ON content_requests (tenant_id, user_id, created DESC) WHERE deleted_at IS NULL;
CREATE INDEX content_requests_unfinished ON content_requests (status, updated) WHERE status IN ('PENDING', 'PROCESSING');
CREATE INDEX content_requests_tenant_year ON content_requests (tenant_id, year, status) WHERE deleted_at IS NULL;
