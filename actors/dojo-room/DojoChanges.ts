import type { ExpiringStore } from '../../infra/kv';
import { ErrorCode } from '../../protocol/errors';
import { DOJO_LIVE_EDITABLE, JOIN_CODE_FAILURES } from '../../protocol/rest/dojoChanges';
import type { AuthContext } from '../auth';
import { checkInvitees, facilitatedDojo } from './access';
import type { DojoFields, DojoChangeSql } from './DojoChangeSql';
import type { DojoRow } from './DojoRepository';
import { view, type DojosDeps, type NotificationRequest } from './Dojos';
import { ClientError, ConflictError, ForbiddenError, NotFoundError, RateLimitedError } from './errors';
import type { RoomRole } from './types';

export interface DojoChangesDeps extends DojosDeps {
  sql: DojoChangeSql;
  /**
   * Counts wrong join codes per user (join by code refuses a guesser for a while). Security state:
   * it lives where revocations and login lockouts do, so a restart does not reset a guesser.
   */
  kv: ExpiringStore;
}

/** Fields of PUT /v1/dojos/{id} that change only while the dojo is scheduled. */
const SCHEDULED_ONLY = (['subject', 'dojo_date', 'description', 'is_private', 'initial_code'] as const).filter(
  (f): f is Exclude<typeof f, (typeof DOJO_LIVE_EDITABLE)[number]> => !(DOJO_LIVE_EDITABLE as readonly string[]).includes(f),
);

const ended = (dojo: DojoRow) => dojo.status === 'COMPLETED' || dojo.status === 'CANCELLED';

/**
 * A dojo after its creation (issue 18): its details edited, members added and removed, a kicked
 * user admitted again, and tenant members joining by its code. The database is written first;
 * a live room is told after the commit (a room activating meanwhile loads the new state anyway).
 */
export class DojoChanges {
  constructor(readonly deps: DojoChangesDeps) {}

  async update(auth: AuthContext, dojoId: string, fields: DojoFields) {
    const changed = await this.deps.db.withTenant(auth.tenantId, async () => {
      const dojo = await this.#runs(auth, dojoId);
      if (dojo.status === 'ACTIVE') {
        const frozen = SCHEDULED_ONLY.find((f) => fields[f] !== undefined);
        if (frozen) throw new ConflictError(`The dojo is live: ${frozen} changes only while it is scheduled`, frozen);
      }
      const row = await this.deps.sql.update(auth.tenantId, dojoId, fields);
      const moved = row !== undefined && row.dojo_date.getTime() !== dojo.dojo_date.getTime();
      // Who hears of a new date: its members (a kicked one is no longer one) and its facilitator.
      const told = moved ? [...(await this.deps.repo.roles(auth.tenantId, dojoId))].filter(([, m]) => !m.kicked).map(([userId]) => userId) : [];
      return row && { row, told: moved ? [...new Set([...told, row.facilitator_id])] : [] };
    });
    if (!changed) throw new NotFoundError('Dojo');
    const { row, told } = changed;
    const date = row.dojo_date.toISOString();
    for (const userId of told) {
      // One notice per new date: a second PUT with the same date is not a second notice.
      this.#notify(auth, userId, row, 'dojo.rescheduled', `rescheduled:${date}`, {
        title: `The dojo was rescheduled: ${row.subject}`,
        body: `Now on ${row.dojo_date.toUTCString()}.`,
        data: { dojoDate: date },
      });
    }
    return view(row);
  }

  async addMembers(auth: AuthContext, dojoId: string, members: readonly string[], observers: readonly string[]): Promise<{ added: string[] }> {
    const { db, sql, repo } = this.deps;
    const { dojo, added } = await db.withTenant(auth.tenantId, async () => {
      const dojo = await this.#runs(auth, dojoId);
      await checkInvitees(repo, auth.tenantId, members, observers);
      const before = await repo.roles(auth.tenantId, dojoId);
      const people = [...members.map((userId) => ({ userId, role: 'participant' as const })), ...observers.map((userId) => ({ userId, role: 'observer' as const }))];
      const rows = await sql.upsert(auth.tenantId, dojoId, people, dojo.classroom);
      // Who is new to the dojo (or back in it, or changed role): they hear of it.
      const added = rows.filter((r) => {
        const was = before.get(r.user_id);
        return !was || was.kicked || was.role !== r.role;
      });
      return { dojo, added };
    });
    await this.#toRoom(auth, dojoId, {
      add: added.map((r) => ({ userId: r.user_id, role: r.role, canEdit: r.can_edit, kicked: false })),
      remove: [],
    });
    const stamp = Date.now();
    for (const r of added) {
      this.#notify(auth, r.user_id, dojo, 'dojo.invited', `added:${stamp}`, {
        title: `You are invited to a dojo: ${dojo.subject}`,
        body: `On ${dojo.dojo_date.toUTCString()}. Join code ${dojo.join_code}.`,
        data: { joinCode: dojo.join_code, dojoDate: dojo.dojo_date.toISOString() },
      });
    }
    return { added: added.map((r) => r.user_id) };
  }

  async removeMember(auth: AuthContext, dojoId: string, userId: string): Promise<{ success: boolean }> {
    const { db, sql } = this.deps;
    const dojo = await db.withTenant(auth.tenantId, async () => {
      const dojo = await this.#runs(auth, dojoId);
      if (userId === dojo.facilitator_id) throw new ConflictError('The facilitator cannot be removed from their dojo', 'userId');
      const member = await sql.member(auth.tenantId, dojoId, userId);
      if (!member || member.kicked) throw new NotFoundError('Member');
      await sql.remove(auth.tenantId, dojoId, userId);
      return dojo;
    });
    await this.#toRoom(auth, dojoId, { add: [], remove: [userId] });
    this.#notify(auth, userId, dojo, 'dojo.removed', `removed:${Date.now()}`, { title: `You were removed from the dojo: ${dojo.subject}`, body: '' });
    return { success: true };
  }

  /** A user kicked from the room (room.kick) may join it again. */
  async readmit(auth: AuthContext, dojoId: string, userId: string): Promise<{ success: boolean }> {
    const { db, sql } = this.deps;
    const { dojo, member } = await db.withTenant(auth.tenantId, async () => {
      const dojo = await this.#runs(auth, dojoId);
      const member = await sql.member(auth.tenantId, dojoId, userId);
      if (!member) throw new NotFoundError('Member');
      if (!member.kicked) throw new ConflictError('This user was not kicked from the dojo', 'userId');
      await sql.readmit(auth.tenantId, dojoId, userId);
      return { dojo, member };
    });
    await this.#toRoom(auth, dojoId, { add: [{ userId, role: member.role, canEdit: member.can_edit, kicked: false }], remove: [] });
    this.#notify(auth, userId, dojo, 'dojo.readmitted', `readmitted:${Date.now()}`, { title: `You may join the dojo again: ${dojo.subject}`, body: '' });
    return { success: true };
  }

  /**
   * A member of the tenant becomes a participant of a non-private dojo by its code. Wrong codes
   * are counted per user: past the limit the user is refused (429) until the window passes, so
   * the code cannot be guessed from one account (the route also limits requests per address).
   */
  async joinByCode(auth: AuthContext, code: string): Promise<{ dojo_id: string; role: RoomRole; status: 'SCHEDULED' | 'ACTIVE' }> {
    const { db, sql, kv } = this.deps;
    const failures = `dojo-join-failures:${auth.tenantId}:${auth.userId}`;
    if (Number((await kv.get(failures)) ?? 0) >= JOIN_CODE_FAILURES.limit) throw new RateLimitedError(JOIN_CODE_FAILURES.windowMs / 1000);
    const joined = await db.withTenant(auth.tenantId, async () => {
      const dojo = await sql.byCode(auth.tenantId, code);
      if (!dojo) return undefined;
      if (dojo.status !== 'SCHEDULED' && dojo.status !== 'ACTIVE') throw new ConflictError(`The dojo is ${dojo.status.toLowerCase()}`, 'code');
      if (dojo.facilitator_id === auth.userId) return { dojo, role: 'facilitator' as const, fresh: false };
      const member = await sql.member(auth.tenantId, dojo.id, auth.userId);
      if (member?.kicked) throw new ForbiddenError('You were removed from this dojo: its facilitator may admit you again');
      if (member) return { dojo, role: member.role, fresh: false };
      if (dojo.is_private) throw new ForbiddenError('This dojo is private: its facilitator adds its members');
      await sql.upsert(auth.tenantId, dojo.id, [{ userId: auth.userId, role: 'participant' }], dojo.classroom);
      return { dojo, role: 'participant' as const, fresh: true };
    });
    if (!joined) {
      await kv.incr(failures, JOIN_CODE_FAILURES.windowMs);
      // 404 like any id of another tenant, naming the field the client fixes.
      throw new ClientError(ErrorCode.NOT_FOUND, 'No dojo of your tenant has this join code', { fields: [{ field: 'code', message: 'matches no dojo of your tenant' }] });
    }
    const { dojo, role, fresh } = joined;
    if (fresh) await this.#toRoom(auth, dojo.id, { add: [{ userId: auth.userId, role, canEdit: !dojo.classroom, kicked: false }], remove: [] });
    return { dojo_id: dojo.id, role, status: dojo.status as 'SCHEDULED' | 'ACTIVE' };
  }

  /** The dojo, if the caller runs it and it has not ended. */
  async #runs(auth: AuthContext, dojoId: string): Promise<DojoRow> {
    const dojo = await facilitatedDojo(this.deps.repo, auth, dojoId, true);
    if (ended(dojo)) throw new ConflictError(`The dojo is ${dojo.status.toLowerCase()}: it no longer changes`);
    return dojo;
  }

  #toRoom(auth: AuthContext, dojoId: string, change: { add: Array<{ userId: string; role: RoomRole; canEdit: boolean; kicked: boolean }>; remove: string[] }): Promise<unknown> {
    if (change.add.length === 0 && change.remove.length === 0) return Promise.resolve();
    return this.deps.toLiveRoom({ tenantId: auth.tenantId, dojoId }, { kind: 'members', ...change });
  }

  #notify(auth: AuthContext, userId: string, dojo: DojoRow, type: NotificationRequest['type'], key: string, text: { title: string; body: string; data?: Record<string, unknown> }): void {
    if (userId === auth.userId) return;
    this.deps.notify({
      tenantId: auth.tenantId,
      userId,
      type,
      title: text.title,
      body: text.body,
      data: { dojoId: dojo.id, subject: dojo.subject, ...text.data },
      dedupeKey: `dojo:${dojo.id}:${key}:${userId}`,
    });
  }
}
