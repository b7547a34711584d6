-- The search's tables re-analyzed after about 1% of their rows changed (plus 1,000), not the
-- default 10% (plus 50): a tenant that grows or imports thousands of POCs into a large table is
-- otherwise unknown to the planner's statistics until a tenth of the whole table has changed,
-- and plans built on "this tenant has one row" can read the tenant once per match. The search's
-- statements no longer depend on that estimate (actors/poc/filteredQuery.ts); fresher statistics
-- keep the other plans (facets, browse) well chosen too. ANALYZE samples a bounded number of
-- rows (300 x the statistics target), so running it more often on large tables stays cheap.
ALTER TABLE pocs SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000);
ALTER TABLE poc_terms SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000);
ALTER TABLE poc_tags SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000);
ALTER TABLE poc_frameworks SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000);
ALTER TABLE poc_term_deletes SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000);
