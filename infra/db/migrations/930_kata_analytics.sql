-- Kata analytics (issue 19): GET /v1/reports/kata-analytics and its export.
-- Its range reads katas by their start on the tenant's calendar.
CREATE INDEX IF NOT EXISTS katas_tenant_started ON katas (tenant_id, started_at);
-- A member's slice is the rooms they were assigned to.
CREATE INDEX IF NOT EXISTS kata_room_members_user ON kata_room_members (tenant_id, user_id);
-- The export type.
ALTER TABLE reports DROP CONSTRAINT reports_type_check;
ALTER TABLE reports ADD CONSTRAINT reports_type_check CHECK (type IN ('ANNUAL', 'BILLING', 'USAGE', 'KATA_ANALYTICS', 'POC_SUMMARY', 'TENANT_OVERVIEW', 'DOJOS', 'USERS'));
