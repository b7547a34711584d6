-- What a search reads of each matching POC (visibility, order, facet keys; tag and framework
-- labels come from poc_labels, migration 910), in an index: the search
-- fetches thousands of matches by id, and an index-only fetch skips the visit to the wide heap
-- row (description, URLs). Measured on the 200k-POC tenant: about 2.4 -> 1.9 us per match.
-- Kept in step by PostgreSQL; index-only needs the visibility map (autovacuum keeps it).
CREATE INDEX IF NOT EXISTS pocs_search ON pocs (id)
  INCLUDE (tenant_id, owner_id, is_public, created, language_key, language, tag_keys, framework_keys)
  WHERE deleted_at IS NULL;
