-- The display form of every facet value a tenant has used (language, tag, framework), by key.
-- A search's facets then count keys alone and look up the display of the 50 values it returns,
-- instead of carrying and aggregating every matching row's display arrays (about a third of the
-- facet time on the 200k-POC tenant). The first display written for a key is kept, as a label
-- (a POC still shows its own display forms). Never removed: a label costs a row per value ever
-- used, and a stale one is only read for a key some POC carries again.
CREATE TABLE IF NOT EXISTS poc_labels (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  dim varchar(10) NOT NULL,
  key varchar(50) NOT NULL,
  display varchar(50) NOT NULL,
  PRIMARY KEY (tenant_id, dim, key) INCLUDE (display)
);
SELECT app_isolate_tenant('poc_labels');

INSERT INTO poc_labels (tenant_id, dim, key, display)
SELECT DISTINCT ON (p.tenant_id, v.dim, v.key) p.tenant_id, v.dim, v.key, v.display
  FROM pocs p, poc_facet_values(p.language_key, p.language, p.tag_keys::text[], p.tags::text[], p.framework_keys::text[], p.frameworks::text[]) AS v
 WHERE p.deleted_at IS NULL AND v.dim <> '*'
 ORDER BY p.tenant_id, v.dim, v.key, p.created
ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION poc_labels_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.language_key = NEW.language_key AND OLD.tag_keys = NEW.tag_keys AND OLD.framework_keys = NEW.framework_keys THEN
    RETURN NULL;
  END IF;
  INSERT INTO poc_labels (tenant_id, dim, key, display)
  SELECT NEW.tenant_id, v.dim, v.key, v.display
    FROM poc_facet_values(NEW.language_key, NEW.language, NEW.tag_keys::text[], NEW.tags::text[], NEW.framework_keys::text[], NEW.frameworks::text[]) AS v
   WHERE v.dim <> '*'
   ORDER BY 2, 3
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS pocs_labels ON pocs;
CREATE TRIGGER pocs_labels AFTER INSERT OR UPDATE ON pocs FOR EACH ROW WHEN (NEW.deleted_at IS NULL) EXECUTE FUNCTION poc_labels_track();
