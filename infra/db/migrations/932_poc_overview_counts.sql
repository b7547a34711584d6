-- The tenant overview's POC figures (issue 19) kept as counts, exact at every commit (this
-- trigger, in the writing transaction): counting them from the rows cost 240 ms of the
-- overview's 275 ms at 20,000 POCs (a scan and an unnest of every live POC per figure) and grows
-- with the tenant; reading these is a few hundred rows whatever its size. Unlike
-- poc_facet_counts (migration 200: public POCs only, crossed by filter value, for search), every
-- live POC counts here, public or private, once per value.
--   dim: '*' (all live POCs), 'public', 'language', 'tag', 'framework'. A value's display form
--   is poc_labels' (migration 910), as search shows it.
-- Hard deletes are not counted down: they only happen with the whole tenant (cascade), which
-- removes the counts too (as migration 200's trigger).
CREATE TABLE IF NOT EXISTS poc_overview_counts (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  dim varchar(10) NOT NULL,
  key varchar(50) NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (tenant_id, dim, key)
);
SELECT app_isolate_tenant('poc_overview_counts');
GRANT SELECT, INSERT, UPDATE, DELETE ON poc_overview_counts TO pocdojo_app;

-- One POC's values (a repeated key in its arrays counts as often as it appears, as count(*)
-- over unnest did). Plain arguments, not the row: PostgreSQL fails to plan the backfill's
-- inlined whole-row call ("variable not found in subplan target list").
CREATE OR REPLACE FUNCTION poc_overview_values(is_public boolean, language_key text, tag_keys text[], framework_keys text[])
  RETURNS TABLE (dim text, key text) LANGUAGE sql IMMUTABLE AS $$
    SELECT '*', ''
    UNION ALL SELECT 'public', '' WHERE is_public
    UNION ALL SELECT 'language', language_key
    UNION ALL SELECT 'tag', k FROM unnest(tag_keys) AS k
    UNION ALL SELECT 'framework', k FROM unnest(framework_keys) AS k
  $$;

CREATE OR REPLACE FUNCTION poc_overview_apply(v pocs, delta integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO poc_overview_counts AS c (tenant_id, dim, key, n)
  SELECT v.tenant_id, x.dim, x.key, count(*)::int * delta
    FROM poc_overview_values(v.is_public, v.language_key, v.tag_keys::text[], v.framework_keys::text[]) AS x
   GROUP BY x.dim, x.key
   -- One order for every writer, so two writes of overlapping values lock rows in the same order.
   ORDER BY 2, 3
  ON CONFLICT (tenant_id, dim, key)
  DO UPDATE SET n = c.n + EXCLUDED.n
$$;

CREATE OR REPLACE FUNCTION poc_overview_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was boolean := TG_OP = 'UPDATE' AND OLD.deleted_at IS NULL;
  counted boolean := NEW.deleted_at IS NULL;
BEGIN
  IF was AND counted AND OLD.is_public = NEW.is_public AND OLD.language_key = NEW.language_key
     AND OLD.tag_keys = NEW.tag_keys AND OLD.framework_keys = NEW.framework_keys THEN
    RETURN NULL;
  END IF;
  IF was THEN PERFORM poc_overview_apply(OLD, -1); END IF;
  IF counted THEN PERFORM poc_overview_apply(NEW, 1); END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS pocs_overview_counts ON pocs;
CREATE TRIGGER pocs_overview_counts AFTER INSERT OR UPDATE ON pocs FOR EACH ROW EXECUTE FUNCTION poc_overview_track();

-- The POCs already there.
INSERT INTO poc_overview_counts (tenant_id, dim, key, n)
SELECT p.tenant_id, x.dim, x.key, count(*)::int
  FROM pocs p, poc_overview_values(p.is_public, p.language_key, p.tag_keys::text[], p.framework_keys::text[]) AS x
 WHERE p.deleted_at IS NULL
 GROUP BY p.tenant_id, x.dim, x.key
ON CONFLICT (tenant_id, dim, key) DO NOTHING;

-- The overview's dojo participants are summed per tenant.
CREATE INDEX IF NOT EXISTS dojo_participants_tenant_dojo_joined ON dojo_participants (tenant_id, dojo_id) WHERE first_joined_at IS NOT NULL;
