import { iso, type Sql } from '../../../infra/db/sql';
import { NotFoundError } from '../errors';
import type { DashboardViewer } from './scope';

export interface PocSummary {
  id: string;
  name: string;
  language: string;
  is_public: boolean;
  created: string;
  owner: { id: string; username: string; name: string };
  tags: string[];
  frameworks: string[];
  favourites: number;
  favourited_by_me: boolean;
  dojo_appearances: number | null;
}

/**
 * One POC: an admin reads any of the tenant's, anyone else their own and public ones (the poc
 * actor's rule). Another tenant's POC, or one hidden from the caller, is a 404 either way.
 */
export async function loadPocSummary(sql: Sql, viewer: DashboardViewer, pocId: string): Promise<PocSummary> {
  const row = await sql.tenant(viewer.tenantId, () =>
    sql.one<{
      id: string;
      name: string;
      language: string;
      is_public: boolean;
      created: Date;
      owner_id: string;
      username: string;
      owner_name: string;
      tags: string[];
      frameworks: string[];
      favourites: number;
      mine: boolean;
    }>(
      `SELECT p.id, p.name, p.language, p.is_public, p.created, p.owner_id, u.username, u.first_name || ' ' || u.last_name AS owner_name, p.tags, p.frameworks,
              (SELECT count(*)::int FROM poc_favorites f WHERE f.tenant_id = $1 AND f.poc_id = p.id) AS favourites,
              EXISTS (SELECT 1 FROM poc_favorites f WHERE f.tenant_id = $1 AND f.poc_id = p.id AND f.user_id = $3) AS mine
         FROM pocs p JOIN users u ON u.id = p.owner_id AND u.tenant_id = $1
        WHERE p.tenant_id = $1 AND p.id = $2 AND p.deleted_at IS NULL AND ($4::boolean OR p.is_public OR p.owner_id = $3)`,
      [viewer.tenantId, pocId, viewer.userId, viewer.admin],
    ),
  );
  if (!row) throw new NotFoundError('POC');
  return {
    id: row.id,
    name: row.name,
    language: row.language,
    is_public: row.is_public,
    created: iso(row.created) as string,
    owner: { id: row.owner_id, username: row.username, name: row.owner_name },
    tags: row.tags,
    frameworks: row.frameworks,
    favourites: row.favourites,
    favourited_by_me: row.mine,
    // Dojos keep a subject, not the POCs they worked on: unknown rather than a guessed zero.
    dojo_appearances: null,
  };
}
