-- Report exports (issue 19): POST /v1/reports/export queues a report of any type in any format
-- through the same job table and worker as the annual and billing reports.
--   type     + USAGE, POC_SUMMARY, TENANT_OVERVIEW (the dashboards' figures), DOJOS, USERS (listings)
--   format   + xlsx, json
--   options  the request's filters and choices (range, tags, grouping, title, locale, POC), as given
ALTER TABLE reports ALTER COLUMN type TYPE varchar(20);
ALTER TABLE reports DROP CONSTRAINT reports_type_check;
ALTER TABLE reports ADD CONSTRAINT reports_type_check CHECK (type IN ('ANNUAL', 'BILLING', 'USAGE', 'POC_SUMMARY', 'TENANT_OVERVIEW', 'DOJOS', 'USERS'));
ALTER TABLE reports DROP CONSTRAINT reports_format_check;
ALTER TABLE reports ADD CONSTRAINT reports_format_check CHECK (format IN ('pdf', 'csv', 'html', 'xlsx', 'json'));
ALTER TABLE reports ADD COLUMN options jsonb NOT NULL DEFAULT '{}'::jsonb;

-- The usage dashboard and its export count logins and finished renders by time.
CREATE INDEX IF NOT EXISTS sessions_tenant_created ON sessions (tenant_id, created);
CREATE INDEX IF NOT EXISTS reports_tenant_completed ON reports (tenant_id, completed_at) WHERE status = 'COMPLETED';
CREATE INDEX IF NOT EXISTS content_requests_tenant_completed ON content_requests (tenant_id, completed_at) WHERE status = 'COMPLETED';
CREATE INDEX IF NOT EXISTS dojos_tenant_date ON dojos (tenant_id, dojo_date);
