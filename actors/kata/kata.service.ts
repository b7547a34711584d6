import type { Context, ServiceSchema } from 'moleculer';
import { Sql } from '../../infra/db/sql';
import type { Infrastructure } from '../../infra/infrastructure';
import type { Logger } from '../../infra/logger';
import type { AuthContext } from '../../protocol/auth';
import { RoomKit, RoomMovedError, type LocalParams } from '../../infra/rooms';
import type { CodeExecuted } from '../../protocol/codeExec';
import type { KataStartBody } from '../../protocol/rest/kata';
import type { SignalParams, SignalResult } from '../../protocol/signal';
import { caller, type CallMeta } from '../auth';
import { recordRun, runCommand } from './Commands';
import { DojoPort } from './DojoPort';
import { FencedOutError } from './errors';
import { Exercises, type ExerciseBody } from './Exercises';
import { Kata } from './Kata';
import { Katas } from './Katas';
import { KataMetrics } from './metrics';
import { kataOptions, type KataOptions } from './options';
import { PARAMS } from './params';
import { KataStore } from './KataStore';
import { KATA_ROOMS, type KataCall, type KataCommand, type KataKey } from './types';
import { announceDataChanged, announcesDataChanges } from '../dataChanged';

export interface KataSettings {
  options?: Partial<KataOptions>;
}

type Ctx<P> = Context<P, CallMeta>;

/**
 * Delivers a call to a kata active on this node. A write refused by the fence means a newer
 * activation owns the kata: this one closes, and placement delivers the call to the new owner.
 */
function runLocal(kata: Kata, call: KataCall): Promise<unknown> {
  return deliver(kata, call).catch((error: unknown) => {
    if (!(error instanceof FencedOutError)) throw error;
    void kata.close('lease-lost');
    throw new RoomMovedError('a newer activation owns the kata');
  });
}

/** Runs a call inside the kata's mailbox. */
function deliver(kata: Kata, call: KataCall): Promise<unknown> {
  switch (call.kind) {
    case 'command':
      return kata.run(() => runCommand(kata, call.auth, call.command));
    case 'wake':
      return kata.run(async () => {
        if (call.announce && !kata.ended) {
          const { dojoId, title, statement, language, deadline, roomSize, tests } = kata.kata;
          const started = { kataId: kata.key.kataId, dojoId, title, statement, language, deadline: deadline.toISOString(), roomSize, hasTests: tests !== null };
          await kata.push('kata.started', started);
        }
        return { value: null };
      });
    case 'test-run':
      return kata.run(() => recordRun(kata, call.run));
    case 'dojo-stopped':
      return kata.run(async () => ({ value: await kata.end('ended') }));
  }
}

/**
 * The kata actor (issue 15): katas started in a live dojo, their breakout rooms (dojo rooms the
 * dojo-room actor hosts) and results. One activation per kata on the room kit, so its timer runs
 * on exactly one node; a sweep re-activates a kata whose node died, timer included.
 */
export function createKataService(infra: Infrastructure, settings: KataSettings = {}): ServiceSchema {
  const options = kataOptions(settings.options);
  let kit: RoomKit<KataKey, Kata, KataCall> | undefined;
  let katas: Katas | undefined;
  let exercises: Exercises | undefined;
  let sweep: NodeJS.Timeout | undefined;
  let sql: Sql | undefined;
  const ready = () => {
    if (!kit || !katas || !exercises || !sql) throw new Error('kata is not started');
    return { kit, katas, exercises, sql };
  };

  /** A request for the kata `id` (of the caller's tenant: another's is not found), run in its turn on whichever node holds it. */
  const command = (ctx: Ctx<{ id: string }>, cmd: KataCommand) => commandAs(caller(ctx), ctx.params.id, cmd);
  const commandAs = (auth: AuthContext, kataId: string, cmd: KataCommand) => ready().kit.send({ tenantId: auth.tenantId, kataId }, { kind: 'command', auth, command: cmd });

  return {
    name: 'kata',
    // Katas, their rooms, who is in them and completions count in the kata analytics.
    hooks: announcesDataChanges({ 'start|createRoom|autoRooms|joinRoom|leaveRoom|completeRoom|end|move': true, signal: (c) => (c.params as { method?: string }).method === 'kata.move' }),
    actions: {
      start: {
        params: PARAMS.start,
        async handler(ctx: Ctx<KataStartBody>) {
          const auth = caller(ctx);
          const { kit, katas } = ready();
          const kataId = await katas.start(auth, ctx.params);
          // Activated at once: its timer runs from now, and the dojo hears kata.started.
          await kit.send({ tenantId: auth.tenantId, kataId }, { kind: 'wake', announce: true });
          return katas.get(auth, kataId);
        },
      },
      active: { params: PARAMS.none, handler: (ctx: Ctx<object>) => ready().katas.active(caller(ctx)) },
      get: { params: PARAMS.byId, handler: (ctx: Ctx<{ id: string }>) => ready().katas.get(caller(ctx), ctx.params.id) },
      createRoom: {
        params: PARAMS.createRoom,
        handler: (ctx: Ctx<{ id: string; name: string; members?: string[] }>) => command(ctx, { op: 'createRoom', name: ctx.params.name, members: ctx.params.members ?? [] }),
      },
      autoRooms: { params: PARAMS.autoRooms, handler: (ctx: Ctx<{ id: string; size: number }>) => command(ctx, { op: 'autoRooms', size: ctx.params.size }) },
      joinRoom: { params: PARAMS.room, handler: (ctx: Ctx<{ id: string; roomId: string }>) => command(ctx, { op: 'join', roomId: ctx.params.roomId }) },
      leaveRoom: { params: PARAMS.room, handler: (ctx: Ctx<{ id: string; roomId: string }>) => command(ctx, { op: 'leave', roomId: ctx.params.roomId }) },
      completeRoom: { params: PARAMS.room, handler: (ctx: Ctx<{ id: string; roomId: string }>) => command(ctx, { op: 'complete', roomId: ctx.params.roomId }) },
      end: {
        params: PARAMS.byId,
        async handler(ctx: Ctx<{ id: string }>) {
          await command(ctx, { op: 'end' });
          return ready().katas.get(caller(ctx), ctx.params.id);
        },
      },
      extend: { params: PARAMS.extend, handler: (ctx: Ctx<{ id: string; minutes: number }>) => command(ctx, { op: 'extend', minutes: ctx.params.minutes }) },
      move: {
        params: PARAMS.move,
        handler: (ctx: Ctx<{ id: string; user_id: string; room_id: string | null }>) => command(ctx, { op: 'move', userId: ctx.params.user_id, roomId: ctx.params.room_id }),
      },
      broadcast: { params: PARAMS.broadcast, handler: (ctx: Ctx<{ id: string; text: string }>) => command(ctx, { op: 'broadcast', text: ctx.params.text }) },
      // The WebSocket methods served here (protocol/ws.ts): the same requests as their REST routes.
      signal: {
        visibility: 'public',
        params: PARAMS.signal,
        async handler(ctx: Context<SignalParams<'kata'>, CallMeta>): Promise<SignalResult> {
          const p = ctx.params;
          const as = (cmd: KataCommand) => commandAs(caller(ctx), p.data.kataId, cmd);
          switch (p.method) {
            case 'kata.broadcast':
              return { data: await as({ op: 'broadcast', text: p.data.text }) };
            case 'kata.extend':
              return { data: await as({ op: 'extend', minutes: p.data.minutes }) };
            case 'kata.move':
              return { data: await as({ op: 'move', userId: p.data.userId, roomId: p.data.roomId }) };
          }
        },
      },
      local: {
        visibility: 'public',
        params: PARAMS.local,
        handler: (ctx: Context<LocalParams<KataKey, KataCall>>) => ready().kit.local(ctx.params),
      },
      createExercise: { params: PARAMS.exercise, handler: (ctx: Ctx<ExerciseBody>) => ready().exercises.create(caller(ctx), ctx.params) },
      listExercises: { params: PARAMS.exerciseList, handler: (ctx: Ctx<{ limit: number; offset: number }>) => ready().exercises.list(caller(ctx), ctx.params) },
      getExercise: { params: PARAMS.byId, handler: (ctx: Ctx<{ id: string }>) => ready().exercises.get(caller(ctx), ctx.params.id) },
      updateExercise: {
        params: PARAMS.exerciseUpdate,
        handler: (ctx: Ctx<ExerciseBody & { id: string }>) => {
          const { id, ...body } = ctx.params;
          return ready().exercises.update(caller(ctx), id, body);
        },
      },
      archiveExercise: { params: PARAMS.byId, handler: (ctx: Ctx<{ id: string }>) => ready().exercises.archive(caller(ctx), ctx.params.id) },
    },
    events: {
      // The dojo was stopped: its running kata ends (rooms closed, results and final code kept).
      'dojo.stopped': {
        params: PARAMS.dojoStopped,
        handler(ctx: Context<{ tenantId: string; dojoId: string }>) {
          return toDojoKata(ctx.params, { kind: 'dojo-stopped' }, this.logger);
        },
      },
      // A participant left the dojo past the departure timeout: the place kept for them is freed.
      'dojo.participant.left': {
        params: PARAMS.participantLeft,
        handler(ctx: Context<{ tenantId: string; dojoId: string; userId: string }>) {
          const { tenantId, userId } = ctx.params;
          const system: AuthContext = { tenantId, userId, role: 'member', sessionId: 'dojo-room' };
          return toDojoKata(ctx.params, { kind: 'command', auth: system, command: { op: 'release', userId } }, this.logger);
        },
      },
      // code-exec ran a room's code: a breakout room's run counts for its kata (test runs, last counts).
      'code.executed': {
        params: PARAMS.codeExecuted,
        async handler(ctx: Context<CodeExecuted>) {
          const run = ctx.params;
          const kataId = await kataOfRoom(run.tenantId, run.dojoId);
          if (!kataId) return;
          await ready()
            .kit.send({ tenantId: run.tenantId, kataId }, { kind: 'test-run', run })
            // Recorded: the room's test runs and pass counts changed.
            .then(() => announceDataChanged(ctx, run.tenantId))
            .catch((err: unknown) => this.logger.warn({ err, kataId, roomId: run.dojoId }, 'a test run was not recorded'));
        },
      },
    },
    async started() {
      const db = infra.database;
      if (!db) throw new Error('kata needs a database');
      const logger = this.logger;
      sql = new Sql(db);
      const metrics = new KataMetrics();
      const store = new KataStore(sql);
      const dojo = new DojoPort(this.broker);
      exercises = new Exercises(sql);
      katas = new Katas(sql, dojo, exercises, options.minuteMs);
      const deps = { store, dojo, options, metrics, logger, dataChanged: (tenantId: string) => announceDataChanged(this.broker, tenantId) };
      kit = new RoomKit<KataKey, Kata, KataCall>(
        {
          service: 'kata',
          naming: KATA_ROOMS,
          create: async (key) => new Kata(key, await store.claim(key), deps),
          deliver: runLocal,
        },
        { broker: this.broker, leases: infra.leases, options, metrics, logger },
      );
      sweep = setInterval(() => void wakeOrphans(logger).catch((err: unknown) => logger.warn({ err }, 'kata sweep failed')), options.sweepMs);
      sweep.unref();
    },
    async stopped() {
      clearInterval(sweep);
      // Running katas stay ACTIVE in the database: another node's sweep takes them over, timer included.
      await kit?.closeAll();
      kit = undefined;
      katas = undefined;
      exercises = undefined;
    },
  };

  /** Delivers `call` to the running kata of a dojo, if it has one. */
  async function toDojoKata(dojo: { tenantId: string; dojoId: string }, call: KataCall, logger: Logger): Promise<void> {
    const { sql, kit } = ready();
    const running = await sql.tenant(dojo.tenantId, () => sql.one<{ id: string }>(`SELECT id FROM katas WHERE dojo_id = $1 AND tenant_id = $2 AND status = 'ACTIVE'`, [dojo.dojoId, dojo.tenantId]));
    if (!running) return;
    await kit.send({ tenantId: dojo.tenantId, kataId: running.id }, call).catch((err: unknown) => logger.warn({ err, kataId: running.id, call: call.kind }, 'a dojo event did not reach its kata'));
  }

  async function kataOfRoom(tenantId: string, roomId: string): Promise<string | undefined> {
    const { sql } = ready();
    const row = await sql.tenant(tenantId, () => sql.one<{ kata_id: string }>(`SELECT kata_id FROM kata_rooms WHERE id = $1 AND tenant_id = $2`, [roomId, tenantId]));
    return row?.kata_id;
  }

  /**
   * Running katas whose lease nobody holds (their node died, or every node restarted) are
   * activated here: placement lets one node win, and the kata's timer runs again from its deadline.
   */
  async function wakeOrphans(logger: Logger): Promise<void> {
    const { sql } = ready();
    const running = await sql.system(() => sql.rows<{ id: string; tenant_id: string }>(`SELECT id, tenant_id FROM katas WHERE status = 'ACTIVE' ORDER BY started_at LIMIT 1000`));
    for (const row of running) {
      const key = { tenantId: row.tenant_id, kataId: row.id };
      if (!kit || (await infra.leases.holder(KATA_ROOMS.lease(key)))) continue;
      // One kata that cannot activate (it ended meanwhile, its tenant is gone) does not stop the others.
      await kit.send(key, { kind: 'wake', announce: false }).catch((err: unknown) => logger.warn({ err, kataId: row.id }, 'an orphaned kata did not activate'));
    }
  }
}
