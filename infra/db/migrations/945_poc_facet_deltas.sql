-- Facet counts that do not serialize writers.
--
-- Until now the trigger of migration 200 added each public POC's values into the shared rows of
-- poc_facet_counts (the tenant total, its language, its tags, ...) inside the creating
-- transaction, and held those rows' locks until commit: concurrent creates in one tenant ran one
-- at a time (measured: 8 of 10 pool connections waiting on Lock/transactionid, 169 -> 45-75
-- creates/s as a tenant grew to 33k). Now a write appends one row here (the POC's facet values
-- and +1 or -1; an insert conflicts with nobody), and a fold (FacetCounts.fold, run shortly after
-- writes by one writer of the tenant at a time) moves the pending rows into poc_facet_counts in
-- one transaction. Readers add the pending rows to the counts in the same statement, so counts
-- stay exact at every commit whether or not a fold has run.
CREATE TABLE IF NOT EXISTS poc_facet_deltas (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  n smallint NOT NULL CHECK (n IN (-1, 1)),
  language_key text NOT NULL,
  language text NOT NULL,
  tag_keys text[] NOT NULL,
  tags text[] NOT NULL,
  framework_keys text[] NOT NULL,
  frameworks text[] NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
SELECT app_isolate_tenant('poc_facet_deltas');

CREATE OR REPLACE FUNCTION poc_facet_deltas_add(v pocs, delta integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO poc_facet_deltas (tenant_id, n, language_key, language, tag_keys, tags, framework_keys, frameworks)
  VALUES (v.tenant_id, delta, v.language_key, v.language, v.tag_keys::text[], v.tags::text[], v.framework_keys::text[], v.frameworks::text[])
$$;

-- Same decisions as migration 200's version (what counts, what changed); only where it writes.
CREATE OR REPLACE FUNCTION poc_facet_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was boolean := TG_OP = 'UPDATE' AND OLD.is_public AND OLD.deleted_at IS NULL;
  now_counted boolean := NEW.is_public AND NEW.deleted_at IS NULL;
BEGIN
  IF was AND now_counted AND OLD.language_key = NEW.language_key AND OLD.language = NEW.language
     AND OLD.tag_keys = NEW.tag_keys AND OLD.tags = NEW.tags
     AND OLD.framework_keys = NEW.framework_keys AND OLD.frameworks = NEW.frameworks THEN
    RETURN NULL;
  END IF;
  IF was THEN PERFORM poc_facet_deltas_add(OLD, -1); END IF;
  IF now_counted THEN PERFORM poc_facet_deltas_add(NEW, 1); END IF;
  RETURN NULL;
END $$;

-- The pending rows of one tenant expanded to counter rows (filter x value), summed; display is
-- the newest display written by a +1 ('' when none: such a row only lowers a count).
CREATE OR REPLACE FUNCTION poc_facet_deltas_fold(tenant uuid) RETURNS integer LANGUAGE sql AS $$
  WITH d AS (DELETE FROM poc_facet_deltas WHERE tenant_id = tenant RETURNING *),
  e AS (
    SELECT f.dim AS filter_dim, f.key AS filter_key, x.dim, x.key, x.display, d.n, d.id
      FROM d,
           poc_facet_values(d.language_key, d.language, d.tag_keys, d.tags, d.framework_keys, d.frameworks) AS f,
           poc_facet_values(d.language_key, d.language, d.tag_keys, d.tags, d.framework_keys, d.frameworks) AS x),
  s AS (
    SELECT filter_dim, filter_key, dim, key, sum(n)::int AS n,
           coalesce((array_agg(display ORDER BY id DESC) FILTER (WHERE n > 0))[1], '') AS display
      FROM e GROUP BY 1, 2, 3, 4),
  w AS (
    INSERT INTO poc_facet_counts AS c (tenant_id, filter_dim, filter_key, dim, key, display, n)
    SELECT tenant, filter_dim, filter_key, dim, key, display, n FROM s ORDER BY 2, 3, 4, 5
    ON CONFLICT (tenant_id, filter_dim, filter_key, dim, key)
    DO UPDATE SET n = c.n + EXCLUDED.n, display = CASE WHEN EXCLUDED.display <> '' THEN EXCLUDED.display ELSE c.display END
    RETURNING 1)
  SELECT count(*)::int FROM d
$$;
