-- A SymSpell-style spelling dictionary per tenant: each distinct term of poc_terms under itself
-- and under every string one deletion away from it. A query word's spellings one edit away
-- (Damerau: deletion, insertion, substitution, transposition) that a tenant actually uses are
-- then the terms filed under the word or one of its deletions: length + 1 equality probes of
-- this btree, instead of probing poc_terms for every variant one edit away (about 36 x 2 x
-- length + length of them: ~500 index probes for a 7-letter word, most finding nothing).
-- Candidates two edits away also come back (two different deletions); the search keeps only
-- those one edit away.
--
-- Only ever added to: a term no POC uses any more costs a row and yields a probe that finds
-- nothing. Which POCs a term finds, and who may see them, stays poc_terms' business.
CREATE TABLE IF NOT EXISTS poc_term_deletes (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  del text COLLATE "C" NOT NULL,
  term text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, del, term)
);
SELECT app_isolate_tenant('poc_term_deletes');

-- The term itself and each string one deletion away. Typos are searched from 4 letters on
-- (actors/poc/text.ts), so a term shorter than 3 is never one edit from a query word.
CREATE OR REPLACE FUNCTION poc_term_deletes_of(term text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT term WHERE length(term) >= 3
  UNION
  SELECT overlay(term PLACING '' FROM i FOR 1) FROM generate_series(1, length(term)) AS i WHERE length(term) >= 3
$$;

INSERT INTO poc_term_deletes (tenant_id, del, term)
SELECT t.tenant_id, d, t.term
  FROM (SELECT DISTINCT tenant_id, term FROM poc_terms) t, poc_term_deletes_of(t.term) AS d
ON CONFLICT DO NOTHING;
