import { useEffect, useState } from 'react';
import type { RouteOutput } from '../../../sdk/src';
import { client } from '../api';
import { ErrorBox } from '../ErrorBox';

type Result = RouteOutput<'GET /v1/pocs'>;
type Facet = 'language' | 'tag' | 'framework';
const SORTS = ['relevance', 'newest', 'name'] as const;

/** POC search: text (typo tolerant on the server), facets over the filtered set to narrow by, sort. */
export function Search() {
  const [q, setQ] = useState('');
  const [language, setLanguage] = useState<string | undefined>(undefined);
  const [tags, setTags] = useState<string[]>([]);
  const [frameworks, setFrameworks] = useState<string[]>([]);
  const [sort, setSort] = useState<(typeof SORTS)[number]>('relevance');
  const [result, setResult] = useState<Result | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    let live = true;
    // Typing waits a moment before asking; a newer question makes an older answer irrelevant.
    const timer = setTimeout(() => {
      client.rest
        .call('GET /v1/pocs', { query: { q: q.trim() || undefined, language, tag: tags.length ? tags : undefined, framework: frameworks.length ? frameworks : undefined, sort, limit: 50 } })
        .then(
          (r) => live && (setResult(r), setError(undefined)),
          (e: unknown) => live && setError(e),
        );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, language, tags, frameworks, sort]);
  const toggle = (facet: Facet, value: string) => {
    if (facet === 'language') setLanguage(language === value ? undefined : value);
    else if (facet === 'tag') setTags(tags.includes(value) ? tags.filter((t) => t !== value) : [...tags, value]);
    else setFrameworks(frameworks.includes(value) ? frameworks.filter((f) => f !== value) : [...frameworks, value]);
  };
  const chosen = (facet: Facet, value: string) => (facet === 'language' ? language === value : facet === 'tag' ? tags.includes(value) : frameworks.includes(value));
  const facetGroups: Array<[Facet, string, Array<{ value: string; count: number }>]> = result
    ? [
        ['language', 'Languages', result.facets.languages],
        ['tag', 'Tags', result.facets.tags],
        ['framework', 'Frameworks', result.facets.frameworks],
      ]
    : [];
  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">Proofs of concept</h1>
      <div className="search-bar">
        <label className="grow">
          Search
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="name, description, tag…" />
        </label>
        <label>
          Sort
          <select value={sort} onChange={(e) => setSort(e.target.value as (typeof SORTS)[number])}>
            {SORTS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBox error={error} />
      <div className="search-grid">
        <aside aria-label="Facets">
          {facetGroups.map(([facet, label, counts]) => (
            <fieldset key={facet}>
              <legend>{label}</legend>
              {counts.length === 0 && <span className="muted">none</span>}
              {counts.map((c) => (
                <label key={c.value} className="check">
                  <input type="checkbox" checked={chosen(facet, c.value)} onChange={() => toggle(facet, c.value)} /> {c.value} <span className="muted">({c.count})</span>
                </label>
              ))}
            </fieldset>
          ))}
        </aside>
        <div>
          {result && (
            <p role="status" className="muted">
              {result.total} found
            </p>
          )}
          <ul className="dojos" data-testid="poc-results">
            {result?.items.map((poc) => (
              <li key={poc.id} className="dojo">
                <div>
                  <strong>{poc.name}</strong> <span className="muted">{poc.language}</span>
                  <p>{poc.description}</p>
                  <span className="muted">{[...poc.tags, ...poc.frameworks].join(' · ')}</span>
                </div>
                <a href={poc.repo_url} rel="noopener noreferrer" target="_blank">
                  Repository
                </a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
