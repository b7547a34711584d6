/** A POC as the REST contract shows it (field names of DESIGN §5). */
export interface PocView {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  repo_url: string;
  language: string;
  tags: string[];
  frameworks: string[];
  is_public: boolean;
  favorite: boolean;
  created: string;
  updated: string;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface Facets {
  languages: FacetCount[];
  tags: FacetCount[];
  frameworks: FacetCount[];
}

export interface SearchResult {
  items: PocView[];
  total: number;
  facets: Facets;
}

/** The columns every read selects, as `SELECT`-able SQL over alias `p`. */
export const VIEW_COLUMNS = `p.id, p.owner_id, p.name, p.description, p.repo_url, p.language, p.tags, p.frameworks, p.is_public, p.created, p.updated`;

/** A row as PostgreSQL returns it: timestamps as Date (or as text inside JSON). */
export type ViewRow = Omit<PocView, 'created' | 'updated'> & { created: Date | string; updated: Date | string };

export function toView(row: ViewRow): PocView {
  return {
    id: row.id,
    owner_id: row.owner_id,
    name: row.name,
    description: row.description,
    repo_url: row.repo_url,
    language: row.language,
    tags: row.tags,
    frameworks: row.frameworks,
    is_public: row.is_public,
    favorite: row.favorite,
    created: new Date(row.created).toISOString(),
    updated: new Date(row.updated).toISOString(),
  };
}
