import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Database } from '../../infra/db/database';
import { NotPocOwnerError, PocNotFoundError } from './errors';
import type { PocModels, PocAttributes, PocRecord } from './models';
import type { Label, PocChanges, PocDraft } from './normalize';
import type { PocStore } from './SharedSequelizeAdapter';
import { indexTerms } from './text';
import { toView, VIEW_COLUMNS, type PocView, type ViewRow } from './views';

/** What a write changed, for events, cache invalidation and the tag index. */
export interface PocWrite {
  view: PocView;
  /** The facets (language, tags, frameworks) or visibility changed: counts must be rebuilt. */
  facetsChanged: boolean;
}

/**
 * POC rows and their satellites (tags, frameworks, favorites, search terms), always inside the
 * caller's tenant: every method runs in `withTenant` (row-level security) and still names the
 * tenant in every statement.
 */
export class PocRepository {
  constructor(
    readonly database: Database,
    readonly models: PocModels,
    readonly store: PocStore,
  ) {}

  /** `id`: given by a bulk import (the same on a retry); a single create gets a fresh one. */
  async create(tenantId: string, userId: string, draft: PocDraft, id: string = randomUUID()): Promise<PocWrite> {
    const view = await this.database.withTenant(tenantId, async () => {
      const now = new Date();
      await this.store.insert({
        id,
        tenantId,
        ownerId: userId,
        name: draft.name,
        description: draft.description,
        repoUrl: draft.repoUrl,
        language: draft.language.display,
        languageKey: draft.language.key,
        isPublic: draft.isPublic,
        ...labelColumns(draft.tags, draft.frameworks),
        created: now,
        updated: now,
      });
      await this.#writeLabels(tenantId, id, now, draft.tags, draft.frameworks);
      await this.#writeTerms(tenantId, id, indexTerms(draft.name, draft.description), draft.isPublic ? null : userId);
      if (draft.favorite) await this.models.PocFavorite.bulkCreate([{ tenantId, userId, pocId: id }], { ignoreDuplicates: true });
      return this.#view(tenantId, userId, id);
    });
    return { view: view as PocView, facetsChanged: true };
  }

  async get(tenantId: string, userId: string, id: string): Promise<PocView> {
    const view = await this.database.withTenant(tenantId, () => this.#view(tenantId, userId, id));
    if (!view) throw new PocNotFoundError();
    return view;
  }

  async update(tenantId: string, userId: string, id: string, changes: PocChanges): Promise<PocWrite> {
    return this.database.withTenant(tenantId, async () => {
      const current = await this.#ownRow(tenantId, userId, id);
      const name = changes.name ?? current.name;
      const description = changes.description ?? current.description;
      const update: Partial<PocAttributes> = { updated: new Date() };
      if (changes.name !== undefined) update.name = changes.name;
      if (changes.description !== undefined) update.description = changes.description;
      if (changes.repoUrl !== undefined) update.repoUrl = changes.repoUrl;
      if (changes.language) Object.assign(update, { language: changes.language.display, languageKey: changes.language.key });
      if (changes.isPublic !== undefined) update.isPublic = changes.isPublic;
      if (changes.tags || changes.frameworks) {
        const tags = changes.tags ?? zipLabels(current.tags, current.tagKeys);
        const frameworks = changes.frameworks ?? zipLabels(current.frameworks, current.frameworkKeys);
        Object.assign(update, labelColumns(tags, frameworks));
        await this.#clearLabels(tenantId, id);
        await this.#writeLabels(tenantId, id, current.created, tags, frameworks);
      }
      await this.store.updateMany({ id, tenantId }, update);
      const privateOwner = (changes.isPublic ?? current.isPublic) ? null : current.ownerId;
      if (changes.name !== undefined || changes.description !== undefined) {
        await this.#clearTerms(tenantId, id, indexTerms(current.name, current.description));
        await this.#writeTerms(tenantId, id, indexTerms(name, description), privateOwner);
      } else if (changes.isPublic !== undefined && changes.isPublic !== current.isPublic) {
        await this.#setTermsVisibility(tenantId, id, indexTerms(name, description), privateOwner);
      }
      const facetsChanged = Boolean(changes.language || changes.tags || changes.frameworks || (changes.isPublic !== undefined && changes.isPublic !== current.isPublic));
      return { view: (await this.#view(tenantId, userId, id)) as PocView, facetsChanged };
    });
  }

  /** Soft delete: the row stays (for audit and the yearly video) but no read shows it again. */
  async remove(tenantId: string, userId: string, id: string): Promise<void> {
    await this.database.withTenant(tenantId, async () => {
      const current = await this.#ownRow(tenantId, userId, id);
      await this.store.updateMany({ id, tenantId, deletedAt: null }, { deletedAt: new Date(), updated: new Date() });
      await this.#clearLabels(tenantId, id);
      await this.#clearTerms(tenantId, id, indexTerms(current.name, current.description));
    });
  }

  /** Adds the POC to the caller's favorites, or removes it; returns whether it is one now. */
  async toggleFavorite(tenantId: string, userId: string, id: string): Promise<boolean> {
    return this.database.withTenant(tenantId, async () => {
      if (!(await this.#view(tenantId, userId, id))) throw new PocNotFoundError();
      const where = { tenantId, userId, pocId: id };
      if ((await this.models.PocFavorite.destroy({ where })) > 0) return false;
      // Two toggles at once both find nothing to remove; the second insert is then a no-op.
      await this.models.PocFavorite.bulkCreate([where], { ignoreDuplicates: true });
      return true;
    });
  }

  async #view(tenantId: string, userId: string, id: string): Promise<PocView | undefined> {
    const rows = await this.database.sequelize.query<ViewRow>(
      `SELECT ${VIEW_COLUMNS},
              EXISTS (SELECT 1 FROM poc_favorites f WHERE f.tenant_id = $1 AND f.user_id = $2 AND f.poc_id = p.id) AS favorite
         FROM pocs p
        WHERE p.tenant_id = $1 AND p.id = $3 AND p.deleted_at IS NULL AND (p.is_public OR p.owner_id = $2)`,
      { bind: [tenantId, userId, id], type: QueryTypes.SELECT },
    );
    return rows[0] ? toView(rows[0]) : undefined;
  }

  /** The live row, locked for the write; 404 when the caller cannot see it, 403 when not theirs. */
  async #ownRow(tenantId: string, userId: string, id: string): Promise<PocAttributes> {
    const record = (await this.store.findOne({ where: { id, tenantId, deletedAt: null }, lock: true })) as PocRecord | null;
    const row = record?.get({ plain: true });
    if (!row || !(row.isPublic || row.ownerId === userId)) throw new PocNotFoundError();
    if (row.ownerId !== userId) throw new NotPocOwnerError();
    return row;
  }

  async #writeLabels(tenantId: string, pocId: string, created: Date, tags: Label[], frameworks: Label[]): Promise<void> {
    if (tags.length > 0) await this.models.PocTag.bulkCreate(tags.map((t) => ({ tenantId, pocId, tag: t.display, tagKey: t.key, created })));
    if (frameworks.length > 0) {
      await this.models.PocFramework.bulkCreate(frameworks.map((f) => ({ tenantId, pocId, framework: f.display, frameworkKey: f.key, created })));
    }
  }

  async #clearLabels(tenantId: string, pocId: string): Promise<void> {
    await this.models.PocTag.destroy({ where: { tenantId, pocId } });
    await this.models.PocFramework.destroy({ where: { tenantId, pocId } });
  }

  /**
   * `privateOwner`: null for a public POC, its owner for a private one (who alone may find it).
   * Terms new to the tenant also join its spelling dictionary (migration 946), in key order so
   * two creates adding the same new terms wait for each other instead of deadlocking.
   */
  async #writeTerms(tenantId: string, pocId: string, terms: Map<string, number>, privateOwner: string | null): Promise<void> {
    if (terms.size === 0) return;
    await this.database.sequelize.query(
      `WITH added AS (
         INSERT INTO poc_terms (tenant_id, term, poc_id, weight, private_owner)
         SELECT $1, t.term, $2, t.weight, $5::uuid FROM unnest($3::text[], $4::smallint[]) AS t(term, weight))
       INSERT INTO poc_term_deletes (tenant_id, del, term)
       SELECT $1, d COLLATE "C", t COLLATE "C" FROM unnest($3::text[]) AS t, poc_term_deletes_of(t) AS d
        WHERE NOT EXISTS (SELECT 1 FROM poc_term_deletes x WHERE x.tenant_id = $1 AND x.del = t COLLATE "C" AND x.term = t COLLATE "C")
        ORDER BY 2, 3
       ON CONFLICT DO NOTHING`,
      { bind: [tenantId, pocId, [...terms.keys()], [...terms.values()], privateOwner] },
    );
  }

  async #setTermsVisibility(tenantId: string, pocId: string, terms: Map<string, number>, privateOwner: string | null): Promise<void> {
    if (terms.size === 0) return;
    await this.database.sequelize.query(`UPDATE poc_terms SET private_owner = $4::uuid WHERE tenant_id = $1 AND term = ANY($2::text[] COLLATE "C") AND poc_id = $3`, {
      bind: [tenantId, [...terms.keys()], pocId, privateOwner],
    });
  }

  // By the terms the row indexed (the primary key leads with tenant and term): removing by POC
  // alone would read every term of the tenant.
  async #clearTerms(tenantId: string, pocId: string, terms: Map<string, number>): Promise<void> {
    if (terms.size === 0) return;
    await this.database.sequelize.query(`DELETE FROM poc_terms WHERE tenant_id = $1 AND term = ANY($2::text[] COLLATE "C") AND poc_id = $3`, { bind: [tenantId, [...terms.keys()], pocId] });
  }
}

function labelColumns(tags: Label[], frameworks: Label[]) {
  return {
    tags: tags.map((t) => t.display),
    tagKeys: tags.map((t) => t.key),
    frameworks: frameworks.map((f) => f.display),
    frameworkKeys: frameworks.map((f) => f.key),
  };
}

function zipLabels(displays: string[], keys: string[]): Label[] {
  return displays.map((display, i) => ({ display, key: keys[i] as string }));
}
