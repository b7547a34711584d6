-- Yearly video options (issue 19, seed 003's VideoRequest): title, date range, included and
-- excluded tags, seconds per POC, POC order, as the request gave them. {} (the yearly batch's
-- rows) means the defaults.
ALTER TABLE content_requests ADD COLUMN IF NOT EXISTS options jsonb NOT NULL DEFAULT '{}'::jsonb;
