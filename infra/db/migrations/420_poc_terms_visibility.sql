-- Who may find a POC, on its index entries: NULL for a public POC, the owner for a private one.
-- A text search then drops other users' private POCs while reading the term index (index-only)
-- instead of reading each candidate's row to learn it (about 2 us a row: on the 200k-POC tenant
-- a third of a common word's candidates were private POCs of others). The repository keeps it
-- in step with is_public in the same transaction; the row's own check stays as a second wall.
ALTER TABLE poc_terms ADD COLUMN IF NOT EXISTS private_owner uuid;
UPDATE poc_terms t SET private_owner = p.owner_id FROM pocs p WHERE p.id = t.poc_id AND NOT p.is_public AND t.private_owner IS NULL;
ALTER TABLE poc_terms DROP CONSTRAINT IF EXISTS poc_terms_pkey;
ALTER TABLE poc_terms ADD CONSTRAINT poc_terms_pkey PRIMARY KEY (tenant_id, term, poc_id) INCLUDE (weight, private_owner);
