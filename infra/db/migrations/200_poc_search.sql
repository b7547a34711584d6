-- Search structures for the poc actor.
--
-- The application queries as pocdojo_app under FORCE ROW LEVEL SECURITY. PostgreSQL then uses an
-- index condition only when its operator is LEAKPROOF (it may not run before the policy check
-- otherwise). btree equality and range on text/uuid are leakproof; the GIN operators for
-- tsvector (@@), arrays (@>) and pg_trgm (%, LIKE) are not, so under RLS those GIN indexes are
-- never used: a 200k-row tenant is then read in full on every search (measured: 4.7 ms as
-- superuser, 103 ms as pocdojo_app for the same tsquery). Search therefore goes through btree
-- structures only: an inverted term table and the existing tag/framework tables.

-- Display forms and keys of tags/frameworks, kept on the row beside poc_tags/poc_frameworks
-- (written in the same transaction), so facets over thousands of matching rows read the rows
-- they already visit instead of joining three more RLS-checked tables.
ALTER TABLE pocs
  ADD COLUMN tags varchar(50)[] NOT NULL DEFAULT '{}',
  ADD COLUMN tag_keys varchar(50)[] NOT NULL DEFAULT '{}',
  ADD COLUMN frameworks varchar(50)[] NOT NULL DEFAULT '{}',
  ADD COLUMN framework_keys varchar(50)[] NOT NULL DEFAULT '{}';

-- Inverted index of the words of name (weight 3) and description (weight 1). "C" collation so a
-- prefix is a plain byte range. No foreign key to pocs: rows are removed with their POC by the
-- repository (soft delete) or with the tenant (cascade); a per-row FK would need a second index
-- of the same size only to serve hard deletes that never happen one POC at a time.
CREATE TABLE poc_terms (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  term text COLLATE "C" NOT NULL CHECK (length(term) BETWEEN 1 AND 64),
  poc_id uuid NOT NULL,
  weight smallint NOT NULL,
  PRIMARY KEY (tenant_id, term, poc_id) INCLUDE (weight)
);
ALTER TABLE poc_terms ENABLE ROW LEVEL SECURITY;
ALTER TABLE poc_terms FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON poc_terms USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));

-- Unusable under RLS (see above) and costly on every write and bulk load.
DROP INDEX IF EXISTS pocs_name_trgm;
DROP INDEX IF EXISTS pocs_description_trgm;

-- Browsing one language newest first, and sorting by name, stop after one page.
DROP INDEX IF EXISTS pocs_tenant_language;
CREATE INDEX pocs_tenant_language_created ON pocs (tenant_id, language_key, created DESC) INCLUDE (id) WHERE deleted_at IS NULL;
CREATE INDEX pocs_tenant_name ON pocs (tenant_id, lower(name), id) WHERE deleted_at IS NULL;

-- One tag or framework, newest first, stops after one page: the link rows carry the POC's
-- creation time (it never changes).
ALTER TABLE poc_tags ADD COLUMN created timestamptz;
UPDATE poc_tags t SET created = p.created FROM pocs p WHERE p.id = t.poc_id;
ALTER TABLE poc_tags ALTER COLUMN created SET NOT NULL;
DROP INDEX IF EXISTS poc_tags_tenant_key;
CREATE INDEX poc_tags_tenant_key_created ON poc_tags (tenant_id, tag_key, created DESC) INCLUDE (poc_id);
ALTER TABLE poc_frameworks ADD COLUMN created timestamptz;
UPDATE poc_frameworks f SET created = p.created FROM pocs p WHERE p.id = f.poc_id;
ALTER TABLE poc_frameworks ALTER COLUMN created SET NOT NULL;
DROP INDEX IF EXISTS poc_frameworks_tenant_key;
CREATE INDEX poc_frameworks_tenant_key_created ON poc_frameworks (tenant_id, framework_key, created DESC) INCLUDE (poc_id);
CREATE INDEX pocs_tenant_language_name ON pocs (tenant_id, language_key, lower(name), id) WHERE deleted_at IS NULL;

-- Facet counts of the public POCs of each tenant, for every single-value filter: `('*', '')` is
-- no filter, `('language', 'go')` is language=go, and so on; `dim = '*'` rows hold the totals.
-- Exact at every commit (maintained by the trigger below in the writing transaction), so
-- browsing a 200k-row tenant by one language or tag reads a few hundred counts instead of
-- aggregating tens of thousands of rows. Private POCs are not counted here: each caller's own
-- are added from their rows.
CREATE TABLE poc_facet_counts (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  filter_dim varchar(10) NOT NULL,
  filter_key varchar(50) NOT NULL,
  dim varchar(10) NOT NULL,
  key varchar(50) NOT NULL,
  display varchar(50) NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (tenant_id, filter_dim, filter_key, dim, key)
);
ALTER TABLE poc_facet_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE poc_facet_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON poc_facet_counts USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));

-- The facet values of one POC, plus the total pseudo-value.
CREATE FUNCTION poc_facet_values(language_key text, language text, tag_keys text[], tags text[], framework_keys text[], frameworks text[])
  RETURNS TABLE (dim text, key text, display text) LANGUAGE sql IMMUTABLE AS $$
    SELECT '*', '', ''
    UNION ALL SELECT 'language', language_key, language
    UNION ALL SELECT 'tag', u.k, u.d FROM unnest(tag_keys, tags) AS u(k, d)
    UNION ALL SELECT 'framework', u.k, u.d FROM unnest(framework_keys, frameworks) AS u(k, d)
  $$;

CREATE FUNCTION poc_facet_counts_apply(tenant uuid, v pocs, delta integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO poc_facet_counts AS c (tenant_id, filter_dim, filter_key, dim, key, display, n)
  SELECT tenant, f.dim, f.key, x.dim, x.key, x.display, delta
    FROM poc_facet_values(v.language_key, v.language, v.tag_keys::text[], v.tags::text[], v.framework_keys::text[], v.frameworks::text[]) AS f,
         poc_facet_values(v.language_key, v.language, v.tag_keys::text[], v.tags::text[], v.framework_keys::text[], v.frameworks::text[]) AS x
   -- One order for every writer, so two writes of overlapping values lock rows in the same order.
   ORDER BY 2, 3, 4, 5
  ON CONFLICT (tenant_id, filter_dim, filter_key, dim, key)
  DO UPDATE SET n = c.n + EXCLUDED.n, display = CASE WHEN EXCLUDED.n > 0 THEN EXCLUDED.display ELSE c.display END
$$;

-- Hard deletes are not counted down: they only happen with the whole tenant (cascade), which
-- removes the counts too.
CREATE FUNCTION poc_facet_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was boolean := TG_OP = 'UPDATE' AND OLD.is_public AND OLD.deleted_at IS NULL;
  now_counted boolean := NEW.is_public AND NEW.deleted_at IS NULL;
BEGIN
  IF was AND now_counted AND OLD.language_key = NEW.language_key AND OLD.language = NEW.language
     AND OLD.tag_keys = NEW.tag_keys AND OLD.tags = NEW.tags
     AND OLD.framework_keys = NEW.framework_keys AND OLD.frameworks = NEW.frameworks THEN
    RETURN NULL;
  END IF;
  IF was THEN PERFORM poc_facet_counts_apply(OLD.tenant_id, OLD, -1); END IF;
  IF now_counted THEN PERFORM poc_facet_counts_apply(NEW.tenant_id, NEW, 1); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER pocs_facet_counts AFTER INSERT OR UPDATE ON pocs FOR EACH ROW EXECUTE FUNCTION poc_facet_counts_track();
