import type { z } from 'zod';
import type { Database } from '../../infra/db/database';
import type { Logger } from '../../infra/logger';
import type { awayParams, BreakoutRosterParams, breakoutReadOnlyParams, closeBreakoutParams, KataPushParams, OpenBreakoutParams, presentParams } from '../../protocol/kata';
import { seededState } from './CodeDocument';
import { joinCode } from './DojoRepository';
import { ConflictError, NotFoundError } from './errors';
import { one, rows } from './sql';
import type { RoomCall, RoomKey, RoomRole } from './types';

export interface BreakoutsDeps {
  db: Database;
  /** Delivers a call to a room: activating it unless `ifActive` (then undefined when it is active nowhere). */
  toRoom(key: RoomKey, call: RoomCall, ifActive: boolean): Promise<unknown>;
  logger: Logger;
}

/**
 * The dojo-room side of katas (protocol/kata.ts). A breakout room is a dojo room: a child row of
 * its dojo (`parent_dojo_id`), ACTIVE from the start, whose roster is its assigned members, so the
 * room machinery that serves dojos (chat, code, awareness, media, failover) serves it unchanged.
 * The parent dojo's facilitator and tenant admins are facilitators there (Room.roleOf).
 */
export class Breakouts {
  constructor(readonly deps: BreakoutsDeps) {}

  /** Creates the room if it does not exist yet (a retried call finds it), seeded with the starter code. */
  async open(p: OpenBreakoutParams): Promise<{ roomId: string }> {
    const { db } = this.deps;
    await db.withTenant(p.tenantId, async () => {
      const parent = await one<{ facilitator_id: string; status: string }>(db, `SELECT facilitator_id, status FROM dojos WHERE id = $1 AND tenant_id = $2 AND parent_dojo_id IS NULL`, [
        p.parentDojoId,
        p.tenantId,
      ]);
      if (!parent) throw new NotFoundError('Dojo');
      if (parent.status !== 'ACTIVE') throw new ConflictError('The dojo is not live');
      if (await this.#insertRoom(p, parent.facilitator_id)) {
        await rows(
          db,
          `INSERT INTO dojo_code_snapshots (id, tenant_id, dojo_id, state, text_preview, update_count, fencing_token, last_update_id)
           VALUES (gen_random_uuid(), $1, $2, $3, $4, 0, 0, 0) RETURNING id`,
          [p.tenantId, p.roomId, Buffer.from(seededState(p.starterCode)), p.starterCode.slice(0, 20_000)],
        );
      }
      await this.#assign(p.tenantId, p.roomId, p.members);
    });
    return { roomId: p.roomId };
  }

  /** Members assigned to or moved out of a room: written, then told to the live room. */
  async roster(p: BreakoutRosterParams): Promise<{ success: boolean }> {
    const { db } = this.deps;
    await db.withTenant(p.tenantId, async () => {
      await this.#breakout(p.tenantId, p.roomId);
      await this.#assign(p.tenantId, p.roomId, p.add);
      if (p.remove.length > 0) {
        await rows(db, `DELETE FROM dojo_participants WHERE tenant_id = $1 AND dojo_id = $2 AND user_id = ANY($3::uuid[]) AND role = 'participant' RETURNING user_id`, [
          p.tenantId,
          p.roomId,
          p.remove,
        ]);
      }
    });
    await this.deps.toRoom({ tenantId: p.tenantId, dojoId: p.roomId }, { kind: 'roster', add: p.add, remove: p.remove }, true);
    return { success: true };
  }

  /** The kata's time is up (or extended): kept with each room, then told to the live ones. */
  async readOnly(p: z.output<typeof breakoutReadOnlyParams>): Promise<{ success: boolean }> {
    const { db } = this.deps;
    await db.withTenant(p.tenantId, () =>
      rows(db, `UPDATE dojos SET read_only = $3, updated = now() WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND parent_dojo_id IS NOT NULL RETURNING id`, [p.tenantId, p.roomIds, p.readOnly]),
    );
    await Promise.all(
      p.roomIds.map((dojoId) =>
        this.deps.toRoom({ tenantId: p.tenantId, dojoId }, { kind: 'read-only', readOnly: p.readOnly }, true).catch((err: unknown) => {
          // Written already: the room's next activation (or its next turn after a move) reads it.
          this.deps.logger.warn({ err, dojoId }, 'a breakout room did not hear of its read-only switch');
        }),
      ),
    );
    return { success: true };
  }

  /**
   * The kata ended: the room stops edits and writes its code (activated for that if it is live
   * nowhere, so the text comes from the persisted document), is marked COMPLETED, and closes:
   * its sessions get room.closed and leave its topic. A room closed already answers its last snapshot.
   */
  async close(p: z.output<typeof closeBreakoutParams>): Promise<{ code: string }> {
    const { db } = this.deps;
    const key = { tenantId: p.tenantId, dojoId: p.roomId };
    const status = await db.withTenant(p.tenantId, async () => (await this.#breakout(p.tenantId, p.roomId)).status);
    if (status !== 'ACTIVE') return { code: await this.#lastText(key) };
    const { code } = (await this.deps.toRoom(key, { kind: 'finish' }, false)) as { code: string };
    await db.withTenant(p.tenantId, () =>
      rows(db, `UPDATE dojos SET status = 'COMPLETED', read_only = true, ended_at = now(), updated = now() WHERE id = $1 AND tenant_id = $2 RETURNING id`, [p.roomId, p.tenantId]),
    );
    await this.deps.toRoom(key, { kind: 'close', reason: 'stopped' }, true);
    return { code };
  }

  /**
   * Who is in the room. It is activated if it is live nowhere: after its node died, the new
   * activation takes back the sessions that are still there before it answers.
   */
  async present(p: z.output<typeof presentParams>): Promise<Array<{ userId: string; role: RoomRole }>> {
    return (await this.deps.toRoom({ tenantId: p.tenantId, dojoId: p.dojoId }, { kind: 'present' }, false)) as Array<{ userId: string; role: RoomRole }>;
  }

  /** A kata push to everyone in the (main) room, activating it as present() does so no member misses it after a failover. */
  async push(p: KataPushParams): Promise<{ seq: number }> {
    const seq = await this.deps.toRoom({ tenantId: p.tenantId, dojoId: p.dojoId }, { kind: 'kata-push', method: p.method, data: p.data }, false);
    return { seq: seq as number };
  }

  async away(p: z.output<typeof awayParams>): Promise<{ success: boolean }> {
    await this.deps.toRoom({ tenantId: p.tenantId, dojoId: p.dojoId }, { kind: 'away', userIds: p.userIds, away: p.away }, true);
    return { success: true };
  }

  /** Inserts the room's row; false when it exists (a retry). A clash of join codes tries another. */
  async #insertRoom(p: OpenBreakoutParams, facilitatorId: string): Promise<boolean> {
    const { db } = this.deps;
    for (let attempt = 0; attempt < 5; attempt++) {
      const inserted = await one<{ id: string }>(
        db,
        `INSERT INTO dojos (id, tenant_id, facilitator_id, subject, language, tests, dojo_date, status, started_at, join_code, max_participants, parent_dojo_id, kata_id)
         VALUES ($1, $2, $3, $4, $5, $6, now(), 'ACTIVE', now(), $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING id`,
        [p.roomId, p.tenantId, facilitatorId, p.name, p.language, p.tests, joinCode(), Math.max(2, p.size), p.parentDojoId, p.kataId],
      );
      if (inserted) return true;
      if (await one(db, `SELECT id FROM dojos WHERE id = $1 AND tenant_id = $2`, [p.roomId, p.tenantId])) return false;
    }
    throw new Error('could not find a free join code');
  }

  async #assign(tenantId: string, roomId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await rows(
      this.deps.db,
      `INSERT INTO dojo_participants (tenant_id, dojo_id, user_id, role) SELECT $1, $2, u, 'participant' FROM unnest($3::uuid[]) AS u
       ON CONFLICT (dojo_id, user_id) DO UPDATE SET kicked_at = NULL RETURNING user_id`,
      [tenantId, roomId, userIds],
    );
  }

  async #breakout(tenantId: string, roomId: string): Promise<{ status: string }> {
    const row = await one<{ status: string }>(this.deps.db, `SELECT status FROM dojos WHERE id = $1 AND tenant_id = $2 AND parent_dojo_id IS NOT NULL`, [roomId, tenantId]);
    if (!row) throw new NotFoundError('Breakout room');
    return row;
  }

  #lastText(key: RoomKey): Promise<string> {
    return this.deps.db.withTenant(key.tenantId, async () => {
      const snap = await one<{ text_preview: string }>(
        this.deps.db,
        `SELECT text_preview FROM dojo_code_snapshots WHERE dojo_id = $1 AND tenant_id = $2 ORDER BY fencing_token DESC, created DESC LIMIT 1`,
        [key.dojoId, key.tenantId],
      );
      return snap?.text_preview ?? '';
    });
  }
}
