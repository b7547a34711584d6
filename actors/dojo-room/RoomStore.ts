import type { Database } from '../../infra/db/database';
import { ConflictError, FencedOutError, NotFoundError } from './errors';
import { Gate } from './Gate';
import type { RecordingOutcome } from '../../media/MediaSession';
import { recordingRows } from './RecordingRows';
import { one, rows } from './sql';
import type { ChatRecord, DojoRecord, DojoStatus, PersistedRoom, RoomKey, RoomRole } from './types';

interface DojoRow {
  id: string;
  tenant_id: string;
  facilitator_id: string;
  subject: string;
  language: string | null;
  status: DojoStatus;
  max_participants: number;
  classroom: boolean;
  recording: boolean;
  tests: string | null;
  room_epoch: string;
  parent_dojo_id: string | null;
  read_only: boolean;
  /** The room_open flag before this claim set it (claim only). */
  was_open?: boolean;
}

export interface ChatRow {
  id: string;
  tenant_id: string;
  dojo_id: string;
  user_id: string;
  client_msg_id: string;
  text: string;
  status: 'A' | 'R';
  created: Date;
}

export function chatRecord(row: ChatRow): ChatRecord {
  return {
    messageId: row.id,
    tenantId: row.tenant_id,
    dojoId: row.dojo_id,
    userId: row.user_id,
    clientMsgId: row.client_msg_id,
    text: row.text,
    status: row.status,
    createdAt: row.created.toISOString(),
  };
}

// Takes the dojo row in share mode while the epoch still matches: a newer activation's claim
// (an UPDATE of that row) then waits for this write to commit, or this write sees the new
// epoch and is refused. Either way the successor loads everything this activation wrote.
const FENCE = `SELECT 1 AS ok FROM dojos WHERE id = $1 AND tenant_id = $2 AND room_epoch = $3 FOR SHARE`;

/** One user's attendance waiting to be written: a first join (with the role), time present, or both. */
export interface AttendanceEntry {
  userId: string;
  joined?: RoomRole;
  seconds?: number;
}

// Attendance transactions at once per node: the pool (10 by default) stays free for the rest.
const ATTENDANCE_WRITERS = 3;

/** The room's own reads and writes. Every write is fenced by the activation's epoch. */
export class RoomStore {
  readonly #background = new Gate(ATTENDANCE_WRITERS);

  constructor(readonly db: Database) {}

  /**
   * Claims the next epoch of an ACTIVE dojo and loads what the room needs, in one
   * transaction. Call only while holding the room's lease.
   */
  claim(key: RoomKey, chatHistory: number): Promise<PersistedRoom> {
    return this.db.withTenant(key.tenantId, async () => {
      const row = await one<DojoRow>(
        this.db,
        // `before` reads the flag this UPDATE overwrites (claims never race: the lease is held).
        `UPDATE dojos d SET room_epoch = d.room_epoch + 1, room_open = true
           FROM (SELECT room_open FROM dojos WHERE id = $1 AND tenant_id = $2) before
          WHERE d.id = $1 AND d.tenant_id = $2 AND d.status = 'ACTIVE'
         RETURNING d.id, d.tenant_id, d.facilitator_id, d.subject, d.language, d.status, d.max_participants, d.classroom, d.recording, d.tests, d.room_epoch,
                   d.parent_dojo_id, d.read_only, before.room_open AS was_open`,
        [key.dojoId, key.tenantId],
      );
      if (!row) throw await this.#whyNotActive(key);
      // Holding the lease, this is the only activation: what still says RECORDING has no recorder.
      await recordingRows.abandoned(this.db, key);
      const roster = await rows<{ user_id: string; role: RoomRole; can_edit: boolean; kicked: boolean }>(
        this.db,
        `SELECT user_id, role, can_edit, kicked_at IS NOT NULL AS kicked FROM dojo_participants WHERE dojo_id = $1 AND tenant_id = $2`,
        [key.dojoId, key.tenantId],
      );
      const snapshot = await one<{ state: Buffer; last_update_id: string; update_count: number }>(
        this.db,
        `SELECT state, last_update_id, update_count FROM dojo_code_snapshots WHERE dojo_id = $1 AND tenant_id = $2
         ORDER BY fencing_token DESC, created DESC LIMIT 1`,
        [key.dojoId, key.tenantId],
      );
      const updates = await rows<{ id: string; update_data: Buffer; update_count: number }>(
        this.db,
        `SELECT id, update_data, update_count FROM dojo_code_updates WHERE dojo_id = $1 AND tenant_id = $2 AND id > $3 ORDER BY id`,
        [key.dojoId, key.tenantId, snapshot?.last_update_id ?? 0],
      );
      const chat = await rows<ChatRow>(
        this.db,
        `SELECT id, tenant_id, dojo_id, user_id, client_msg_id, text, status, created FROM dojo_chat_messages
         WHERE dojo_id = $1 AND tenant_id = $2 ORDER BY created DESC, id DESC LIMIT $3`,
        [key.dojoId, key.tenantId, chatHistory],
      );
      const last = updates[updates.length - 1];
      return {
        dojo: dojoRecord(row),
        roster: roster.map((r) => ({ userId: r.user_id, role: r.role, canEdit: r.can_edit, kicked: r.kicked })),
        code: {
          state: snapshot ? new Uint8Array(snapshot.state) : null,
          updates: updates.map((u) => new Uint8Array(u.update_data)),
          lastUpdateId: Number(last?.id ?? snapshot?.last_update_id ?? 0),
          updateCount: (snapshot?.update_count ?? 0) + updates.reduce((n, u) => n + u.update_count, 0),
        },
        chat: chat.reverse().map(chatRecord),
        takenOver: row.was_open === true,
      };
    });
  }

  /** The activation closed cleanly (its last state written): the next one is no failover. */
  closed(key: RoomKey, epoch: number): Promise<void> {
    return this.#fenced(key, epoch, 'room close', async () => {
      await rows(this.db, `UPDATE dojos SET room_open = false WHERE id = $1 AND tenant_id = $2 RETURNING id`, [key.dojoId, key.tenantId]);
    });
  }

  /** Appends acknowledged code updates (merged into one); returns the row id. */
  appendCode(key: RoomKey, epoch: number, update: Uint8Array, count: number): Promise<number> {
    return this.#fenced(key, epoch, 'code update', async () => {
      const row = await one<{ id: string }>(this.db, `INSERT INTO dojo_code_updates (tenant_id, dojo_id, epoch, update_data, update_count) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
        key.tenantId,
        key.dojoId,
        epoch,
        Buffer.from(update),
        count,
      ]);
      return Number(row?.id);
    });
  }

  /** Stores the whole document and drops the updates it includes. */
  snapshot(key: RoomKey, epoch: number, snap: { state: Uint8Array; text: string; updateCount: number; lastUpdateId: number }): Promise<void> {
    return this.#fenced(key, epoch, 'snapshot', async () => {
      await rows(
        this.db,
        `INSERT INTO dojo_code_snapshots (id, tenant_id, dojo_id, state, text_preview, update_count, fencing_token, last_update_id)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [key.tenantId, key.dojoId, Buffer.from(snap.state), snap.text.slice(0, 20_000), snap.updateCount, epoch, snap.lastUpdateId],
      );
      await rows(this.db, `DELETE FROM dojo_code_updates WHERE dojo_id = $1 AND tenant_id = $2 AND id <= $3 RETURNING id`, [key.dojoId, key.tenantId, snap.lastUpdateId]);
    });
  }

  /** Whether to refuse new members for now (ServiceBusyError): the pool is too far behind to take their writes. */
  busy(): boolean {
    return this.db.saturated();
  }

  /**
   * Attendance of several users in one fenced transaction (Attendance coalesces them): first
   * joins (adding a tenant admin who was not invited) before time present, so a user who came
   * and went within one batch has a row to add to. At most ATTENDANCE_WRITERS run at once on a node.
   */
  attendance(key: RoomKey, epoch: number, entries: readonly AttendanceEntry[]): Promise<void> {
    const joins = entries.filter((e) => e.joined !== undefined);
    const leaves = entries.filter((e) => e.seconds !== undefined);
    return this.#background.run(() =>
      this.#fenced(key, epoch, 'attendance', async () => {
        if (joins.length > 0) {
          await rows(
            this.db,
            `INSERT INTO dojo_participants (tenant_id, dojo_id, user_id, role, first_joined_at)
             SELECT $1, $2, u, r, now() FROM unnest($3::uuid[], $4::varchar[]) AS v(u, r)
             ON CONFLICT (dojo_id, user_id) DO UPDATE SET first_joined_at = COALESCE(dojo_participants.first_joined_at, now()) RETURNING user_id`,
            [key.tenantId, key.dojoId, joins.map((e) => e.userId), joins.map((e) => e.joined)],
          );
        }
        if (leaves.length > 0) {
          await rows(
            this.db,
            `UPDATE dojo_participants p SET last_left_at = now(), seconds_present = p.seconds_present + v.s
             FROM unnest($3::uuid[], $4::int[]) AS v(u, s)
             WHERE p.tenant_id = $1 AND p.dojo_id = $2 AND p.user_id = v.u RETURNING p.user_id`,
            [key.tenantId, key.dojoId, leaves.map((e) => e.userId), leaves.map((e) => Math.round(e.seconds ?? 0))],
          );
        }
      }),
    );
  }

  kick(key: RoomKey, epoch: number, userId: string): Promise<void> {
    return this.#fenced(key, epoch, 'kick', async () => {
      await rows(this.db, `UPDATE dojo_participants SET kicked_at = now() WHERE tenant_id = $1 AND dojo_id = $2 AND user_id = $3 RETURNING user_id`, [key.tenantId, key.dojoId, userId]);
    });
  }

  /** Whether the dojo records: its next activation starts recording when it does. */
  setRecording(key: RoomKey, epoch: number, on: boolean): Promise<void> {
    return this.#fenced(key, epoch, 'recording switch', () => recordingRows.switch(this.db, key, on));
  }

  /** A recording began in this activation. */
  recordingStarted(key: RoomKey, epoch: number, recordingId: string, startedAt: Date): Promise<void> {
    return this.#fenced(key, epoch, 'recording', () => recordingRows.insert(this.db, key, recordingId, startedAt));
  }

  /**
   * A recording stopped; its file is being joined and uploaded. This and recordingFinished are
   * not fenced: they only move the recording's own row on, which no successor ever writes.
   */
  recordingStopped(key: RoomKey, recordingId: string): Promise<void> {
    return this.db.withTenant(key.tenantId, () => recordingRows.uploading(this.db, key, recordingId));
  }

  /** A recording's file is uploaded, or it failed (the upload may end after the room moved or closed). */
  recordingFinished(key: RoomKey, r: RecordingOutcome): Promise<void> {
    return this.db.withTenant(key.tenantId, () => recordingRows.finished(this.db, key, r));
  }

  /** A message older than the room's memory, for chat.delete. */
  async findChat(key: RoomKey, messageId: string): Promise<ChatRecord | undefined> {
    const row = await this.db.withTenant(key.tenantId, () =>
      one<ChatRow>(this.db, `SELECT id, tenant_id, dojo_id, user_id, client_msg_id, text, status, created FROM dojo_chat_messages WHERE id = $1 AND dojo_id = $2 AND tenant_id = $3`, [
        messageId,
        key.dojoId,
        key.tenantId,
      ]),
    );
    return row ? chatRecord(row) : undefined;
  }

  #fenced<T>(key: RoomKey, epoch: number, what: string, write: () => Promise<T>): Promise<T> {
    return this.db.withTenant(key.tenantId, async () => {
      const fence = await one<{ ok: number }>(this.db, FENCE, [key.dojoId, key.tenantId, epoch]);
      if (!fence) throw new FencedOutError(what);
      return write();
    });
  }

  async #whyNotActive(key: RoomKey): Promise<Error> {
    const row = await one<{ status: DojoStatus }>(this.db, `SELECT status FROM dojos WHERE id = $1 AND tenant_id = $2`, [key.dojoId, key.tenantId]);
    if (!row) return new NotFoundError('Dojo');
    if (row.status === 'SCHEDULED') return new ConflictError('The dojo has not started yet');
    return new ConflictError('The dojo has ended');
  }
}

function dojoRecord(row: DojoRow): DojoRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    facilitatorId: row.facilitator_id,
    subject: row.subject,
    language: row.language,
    status: row.status,
    maxParticipants: row.max_participants,
    classroom: row.classroom,
    recording: row.recording,
    tests: row.tests,
    epoch: Number(row.room_epoch),
    parentDojoId: row.parent_dojo_id,
    readOnly: row.read_only,
  };
}
