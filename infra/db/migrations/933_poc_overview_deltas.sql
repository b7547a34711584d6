-- The tenant overview's POC counts (migration 932) without serializing writers.
--
-- Migration 932's trigger added each POC's values into shared per-tenant rows of
-- poc_overview_counts (the tenant's '*' total first of all) inside the writing transaction, and
-- held those rows' locks until commit: every create of a tenant waited for the one before it,
-- which migration 945 had just removed from the search's facet counts (issue 22). Same cure: a
-- write appends one row here (the POC's values and +1 or -1; an insert conflicts with nobody), a
-- fold moves the pending rows into poc_overview_counts (poc_overview_deltas_fold, run with the
-- facet fold by the poc actor's FacetFolder shortly after writes), and the overview adds the
-- pending rows to the counts in the same statement, so its figures stay exact at every commit.
CREATE TABLE IF NOT EXISTS poc_overview_deltas (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  n smallint NOT NULL CHECK (n IN (-1, 1)),
  is_public boolean NOT NULL,
  language_key text NOT NULL,
  tag_keys text[] NOT NULL,
  framework_keys text[] NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
SELECT app_isolate_tenant('poc_overview_deltas');
GRANT SELECT, INSERT, DELETE ON poc_overview_deltas TO pocdojo_app;

-- Same signature as migration 932's (its trigger calls it); only where it writes.
CREATE OR REPLACE FUNCTION poc_overview_apply(v pocs, delta integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO poc_overview_deltas (tenant_id, n, is_public, language_key, tag_keys, framework_keys)
  VALUES (v.tenant_id, delta, v.is_public, v.language_key, v.tag_keys::text[], v.framework_keys::text[])
$$;

-- The pending rows of one tenant, expanded to (dim, key) and summed into the counts, in one
-- order for every folder. The caller holds the tenant's fold lock (FacetCounts.fold).
CREATE OR REPLACE FUNCTION poc_overview_deltas_fold(tenant uuid) RETURNS integer LANGUAGE sql AS $$
  WITH d AS (DELETE FROM poc_overview_deltas WHERE tenant_id = tenant RETURNING *),
  s AS (
    SELECT x.dim, x.key, sum(d.n)::int AS n
      FROM d, poc_overview_values(d.is_public, d.language_key, d.tag_keys, d.framework_keys) AS x
     GROUP BY x.dim, x.key),
  w AS (
    INSERT INTO poc_overview_counts AS c (tenant_id, dim, key, n)
    SELECT tenant, dim, key, n FROM s ORDER BY 2, 3
    ON CONFLICT (tenant_id, dim, key) DO UPDATE SET n = c.n + EXCLUDED.n
    RETURNING 1)
  SELECT count(*)::int FROM d
$$;
