import { Cachers, type Context, type ServiceBroker, type ServiceSchema } from 'moleculer';
import DbService from 'moleculer-db';
import type { Infrastructure } from '../../infra/infrastructure';
import { Sql } from '../../infra/db/sql';
import { ForbiddenError } from '../../infra/errors';
import { JobKit } from '../../infra/jobs';
import { caller, type CallMeta } from '../auth';
import { announceDataChanged } from '../dataChanged';
import { ReadCache } from './cache';
import { FacetCounts } from './FacetCounts';
import { FacetFolder } from './FacetFolder';
import { pocModels } from './models';
import { pocsCreated } from './metrics';
import { changesFrom, draftFrom, filtersFrom } from './normalize';
import { PARAMS, SEARCH_KEYS } from './params';
import { PocImports } from './PocImports';
import { PocRepository } from './PocRepository';
import { Search } from './Search';
import { SharedSequelizeAdapter } from './SharedSequelizeAdapter';
import { TagIndex } from './TagIndex';

type Ctx<P = Record<string, unknown>> = Context<P, CallMeta>;

/** Longer than the largest import (5,000 rows), so the queue redelivers only what a dead worker left. */
const IMPORT_ACK_WAIT_MS = 15 * 60_000;

/** Payload of `poc.created|updated|deleted`, for other actors (render) and caches. */
export interface PocEvent {
  tenantId: string;
  userId: string;
  pocId: string;
}

// moleculer-db's generic actions (find, list, get, update, remove by id) know nothing of
// tenants or owners; the actor takes the mixin's adapter lifecycle and methods, not its actions.
const dbLifecycle = { ...(DbService as unknown as ServiceSchema), actions: {} } as ServiceSchema;

/** The poc actor: POCs, their search, favorites and tags. A thin schema over the domain classes. */
export function createPocService(infra: Infrastructure): ServiceSchema {
  const database = infra.database;
  if (!database) throw new Error('the poc actor needs a database');
  const models = pocModels(database.sequelize);
  // Built in `created`, on the service's own (cloned) adapter, the one moleculer-db connects.
  let pocs: PocRepository;
  const facets = new FacetCounts(database);
  const tags = new TagIndex(infra.kv, facets);
  const search = new Search(database, facets, tags);
  const cache = new ReadCache(infra.kv);
  let folder: FacetFolder;
  // Registered now, so the series is scraped at 0 before the first POC (rate() needs a start).
  const created = pocsCreated();

  let imports: PocImports;
  let kit: JobKit;

  /** After a committed write of the tenant's POCs (a single one or an import's batch): what reads see must follow. */
  async function stale(broker: ServiceBroker, tenantId: string, facetsChanged: boolean) {
    if (facetsChanged) {
      folder.written(tenantId);
      await tags.invalidate(tenantId);
    }
    await cache.written(tenantId);
    // Other nodes' in-process kv stores (which hold the versions); with REDIS_URL it is shared.
    if (!(broker.cacher instanceof Cachers.Redis)) await broker.broadcast('poc.cache.clean', { tenantId }, 'poc');
  }

  async function written(ctx: Ctx, event: 'poc.created' | 'poc.updated' | 'poc.deleted' | undefined, pocId: string, facetsChanged: boolean) {
    const { tenantId, userId } = caller(ctx);
    await stale(ctx.broker, tenantId, facetsChanged);
    if (event) await ctx.emit(event, { tenantId, userId, pocId } satisfies PocEvent);
  }

  /** Imports are the tenant's admins' business: anyone else is refused before anything is read. */
  function admin(ctx: Ctx) {
    const auth = caller(ctx);
    if (auth.role !== 'admin') throw new ForbiddenError('Only an admin of the tenant may import POCs');
    return auth;
  }

  return {
    name: 'poc',
    mixins: [dbLifecycle],
    adapter: new SharedSequelizeAdapter(() => database.sequelize),
    model: models.Poc,
    settings: { idField: 'id' },
    actions: {
      create: {
        params: PARAMS.create,
        async handler(ctx: Ctx) {
          const { tenantId, userId } = caller(ctx);
          const { view, facetsChanged } = await pocs.create(tenantId, userId, draftFrom(ctx.params));
          await written(ctx, 'poc.created', view.id, facetsChanged);
          created.inc();
          return view;
        },
      },
      importPocs: {
        params: PARAMS.importPocs,
        async handler(ctx: Ctx<{ rows: unknown[] }>) {
          const { tenantId, userId } = admin(ctx);
          const view = await imports.create(tenantId, userId, ctx.params.rows);
          await kit.enqueue([{ kind: imports.kind.name, id: view.id, tenantId }], this.logger);
          return view;
        },
      },
      getImport: {
        params: PARAMS.byId,
        handler(ctx: Ctx<{ id: string }>) {
          return imports.get(admin(ctx).tenantId, ctx.params.id);
        },
      },
      search: {
        params: PARAMS.search,
        handler(ctx: Ctx) {
          const { tenantId, userId } = caller(ctx);
          return cache.read(ctx, SEARCH_KEYS, () => search.search(tenantId, userId, filtersFrom(ctx.params)));
        },
      },
      get: {
        params: PARAMS.byId,
        handler(ctx: Ctx<{ id: string }>) {
          const { tenantId, userId } = caller(ctx);
          return cache.read(ctx, ['id'], () => pocs.get(tenantId, userId, ctx.params.id));
        },
      },
      update: {
        params: PARAMS.update,
        async handler(ctx: Ctx<{ id: string }>) {
          const { tenantId, userId } = caller(ctx);
          const { view, facetsChanged } = await pocs.update(tenantId, userId, ctx.params.id, changesFrom(ctx.params));
          await written(ctx, 'poc.updated', view.id, facetsChanged);
          return view;
        },
      },
      remove: {
        params: PARAMS.byId,
        async handler(ctx: Ctx<{ id: string }>) {
          const { tenantId, userId } = caller(ctx);
          await pocs.remove(tenantId, userId, ctx.params.id);
          await written(ctx, 'poc.deleted', ctx.params.id, true);
          return { success: true };
        },
      },
      toggleFavorite: {
        params: PARAMS.byId,
        async handler(ctx: Ctx<{ id: string }>) {
          const { tenantId, userId } = caller(ctx);
          const favorite = await pocs.toggleFavorite(tenantId, userId, ctx.params.id);
          await written(ctx, undefined, ctx.params.id, false);
          return { favorite };
        },
      },
      popularTags: {
        params: PARAMS.popular,
        handler(ctx: Ctx<{ limit?: number }>) {
          const { tenantId, userId } = caller(ctx);
          return cache.read(ctx, ['limit'], async () => ({ tags: await tags.popular(tenantId, userId, clamp(ctx.params.limit, 20, 100)) }));
        },
      },
      suggestTags: {
        params: PARAMS.suggest,
        handler(ctx: Ctx<{ prefix: string; limit?: number }>) {
          const { tenantId, userId } = caller(ctx);
          return cache.read(ctx, ['prefix', 'limit'], async () => ({ tags: await tags.suggest(tenantId, userId, ctx.params.prefix, clamp(ctx.params.limit, 10, 50)) }));
        },
      },
      // Frameworks come from the same maintained counts as tags (TagIndex), beside them.
      popularFrameworks: {
        params: PARAMS.popular,
        handler(ctx: Ctx<{ limit?: number }>) {
          const { tenantId, userId } = caller(ctx);
          return cache.read(ctx, ['limit'], async () => ({ frameworks: await tags.popular(tenantId, userId, clamp(ctx.params.limit, 20, 100), 'framework') }));
        },
      },
      suggestFrameworks: {
        params: PARAMS.suggest,
        handler(ctx: Ctx<{ prefix: string; limit?: number }>) {
          const { tenantId, userId } = caller(ctx);
          return cache.read(ctx, ['prefix', 'limit'], async () => ({
            frameworks: await tags.suggest(tenantId, userId, ctx.params.prefix, clamp(ctx.params.limit, 10, 50), 'framework'),
          }));
        },
      },
    },
    events: {
      // Sent only when cacher and kv store are in-process (no REDIS_URL): each node then holds
      // its own copy of both.
      'poc.cache.clean': {
        params: PARAMS.cacheClean,
        async handler(ctx: Context<{ tenantId: string }>) {
          // This node bumped its own versions before broadcasting; again would miss a fresh entry.
          if (ctx.nodeID === ctx.broker.nodeID) return;
          await tags.invalidate(ctx.params.tenantId);
          await cache.written(ctx.params.tenantId);
        },
      },
    },
    created() {
      pocs = new PocRepository(database, models, this.adapter as SharedSequelizeAdapter);
      folder = new FacetFolder(facets, this.logger);
      const sql = new Sql(database);
      // After each batch: reads follow, and dashboards recount (one announcement, not a poc.created per row).
      imports = new PocImports(sql, pocs, async (tenantId) => {
        await stale(this.broker, tenantId, true);
        announceDataChanged(this.broker, tenantId);
      });
      kit = new JobKit({ name: 'poc-import', sql, queue: infra.queue, kinds: [imports.kind], failurePrefix: 'The import failed' });
    },
    async started() {
      // One import at a time per node: its creates already keep a pool connection busy.
      await kit.start({ concurrency: 1, maxAttempts: 3, retryBaseMs: 2000, ackWaitMs: IMPORT_ACK_WAIT_MS, logger: this.logger, sweep: { leases: infra.leases, owner: infra.config.nodeId } });
    },
    async stopped() {
      folder.stop();
      await kit.stop();
    },
  };
}

function clamp(value: number | undefined, fallback: number, max: number): number {
  return Math.min(Math.max(value ?? fallback, 1), max);
}
