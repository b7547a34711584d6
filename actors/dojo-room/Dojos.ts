import type { Database } from '../../infra/db/database';
import type { Logger } from '../../infra/logger';
import type { ObjectStore } from '../../infra/storage/types';
import { ErrorCode } from '../../protocol/errors';
import type { AuthContext } from '../auth';
import { checkInvitees, facilitatedDojo, isFacilitatorOf } from './access';
import { toBase64 } from './CodeDocument';
import { seedInitialCode } from './InitialCode';
import type { DojoRepository, DojoRow } from './DojoRepository';
import { ConflictError, FieldValidationError, ForbiddenError, NotFoundError, ServiceUnavailableError } from './errors';
import type { Presence } from './Presence';
import { recordingRows } from './RecordingRows';
import type { DojoStatus, RoomCall, RoomKey, RoomRole } from './types';

/** What `notification.requested` carries (the tenant actor delivers it). */
export interface NotificationRequest {
  tenantId: string;
  userId: string;
  type: 'dojo.invited' | 'dojo.starting' | 'dojo.removed' | 'dojo.readmitted' | 'dojo.rescheduled';
  title: string;
  body: string;
  data: Record<string, unknown>;
  dedupeKey: string;
}

export interface DojosDeps {
  db: Database;
  repo: DojoRepository;
  presence: Presence;
  notify(request: NotificationRequest): void;
  /** Delivers a call to the room if it is active somewhere; never activates it. */
  toLiveRoom(key: RoomKey, call: RoomCall): Promise<unknown>;
  /** Delivers a call to the room, activating it (through placement) when it is active nowhere. */
  toRoom(key: RoomKey, call: RoomCall): Promise<unknown>;
  /** Where recordings are; links to them are pre-signed here. */
  objectStore: ObjectStore | undefined;
  logger: Logger;
}

/** How long a recording's download link works. */
export const RECORDING_LINK_TTL_SECONDS = 15 * 60;

export interface CreateParams {
  tenant_id: string;
  dojo_date: string;
  members: string[];
  observers?: string[];
  subject: string;
  description?: string;
  is_private?: boolean;
  initial_code?: string;
  language?: string;
  max_participants?: number;
  tests?: string;
}

export interface Page {
  limit: number;
  offset: number;
}

export function view(d: DojoRow) {
  return {
    id: d.id,
    tenant_id: d.tenant_id,
    facilitator_id: d.facilitator_id,
    subject: d.subject,
    description: d.description,
    is_private: d.is_private,
    initial_code: d.initial_code,
    language: d.language,
    dojo_date: d.dojo_date.toISOString(),
    status: d.status,
    join_code: d.join_code,
    max_participants: d.max_participants,
    classroom: d.classroom,
    started_at: d.started_at?.toISOString() ?? null,
    ended_at: d.ended_at?.toISOString() ?? null,
    created: d.created.toISOString(),
  };
}

/** The REST side of dojos: scheduling, starting and stopping, and what they left behind. */
export class Dojos {
  constructor(readonly deps: DojosDeps) {}

  async create(auth: AuthContext, p: CreateParams): Promise<{ dojo_id: string; join_code: string }> {
    this.#sameTenant(auth, p.tenant_id);
    if (auth.role === 'member') throw new ForbiddenError('Only facilitators and admins create dojos');
    const observers = p.observers ?? [];
    const { db, repo } = this.deps;
    const created = await db.withTenant(auth.tenantId, async () => {
      await checkInvitees(repo, auth.tenantId, p.members, observers);
      return repo.insert({
        tenantId: auth.tenantId,
        facilitatorId: auth.userId,
        subject: p.subject,
        description: p.description ?? null,
        isPrivate: p.is_private ?? false,
        initialCode: p.initial_code ?? null,
        language: p.language ?? null,
        tests: p.tests ?? null,
        dojoDate: p.dojo_date,
        maxParticipants: p.max_participants ?? 50,
        members: [...new Set(p.members)],
        observers: [...new Set(observers)],
      });
    });
    for (const userId of new Set([...p.members, ...observers])) {
      if (userId === auth.userId) continue;
      this.deps.notify({
        tenantId: auth.tenantId,
        userId,
        type: 'dojo.invited',
        title: `You are invited to a dojo: ${p.subject}`,
        body: `On ${new Date(p.dojo_date).toUTCString()}. Join code ${created.joinCode}.`,
        data: { dojoId: created.id, subject: p.subject, joinCode: created.joinCode, dojoDate: p.dojo_date },
        dedupeKey: `dojo:${created.id}:invited:${userId}`,
      });
    }
    return { dojo_id: created.id, join_code: created.joinCode };
  }

  /**
   * SCHEDULED -> ACTIVE, and the session records (DESIGN §5): its room opens now, so the recording
   * runs before anyone joins. Members hear of it. Starting a live dojo again only makes sure it
   * records (a retry after a failure, or after the facilitator stopped the recording).
   */
  async start(auth: AuthContext, tenantId: string, dojoId: string): Promise<{ success: boolean }> {
    this.#sameTenant(auth, tenantId);
    const { db, repo } = this.deps;
    const key = { tenantId, dojoId };
    const started = await db.withTenant(tenantId, async () => {
      const dojo = await this.#facilitated(auth, dojoId, true);
      if (dojo.status !== 'SCHEDULED' && dojo.status !== 'ACTIVE') throw new ConflictError(`The dojo is ${dojo.status.toLowerCase()}`);
      // Kept with the dojo: whichever activation of the room comes next records.
      await recordingRows.switch(db, key, true);
      if (dojo.status === 'ACTIVE') return undefined;
      await repo.setStatus(tenantId, dojoId, 'ACTIVE');
      // Before any activation of the room can claim it: the room loads the seeded document.
      if (dojo.initial_code) await seedInitialCode(db, key, dojo.initial_code);
      return { dojo, people: await repo.roles(tenantId, dojoId) };
    });
    await this.deps.toRoom(key, { kind: 'recording', on: true }).catch((err: unknown) => {
      // No media (or no ffmpeg) where the room lives: the session runs without a recording, and
      // the switch above makes the room record once it activates where it can.
      if ((err as { type?: unknown }).type !== ErrorCode.SERVICE_UNAVAILABLE) throw err;
      this.deps.logger.warn({ err, dojoId }, 'the dojo started without recording');
    });
    for (const [userId, { kicked }] of started?.people ?? []) {
      if (userId === auth.userId || kicked) continue;
      this.deps.notify({
        tenantId,
        userId,
        type: 'dojo.starting',
        title: `The dojo has started: ${started?.dojo.subject}`,
        body: 'Join now from the app.',
        data: { dojoId, subject: started?.dojo.subject },
        dedupeKey: `dojo:${dojoId}:started:${userId}`,
      });
    }
    return { success: true };
  }

  /** Ends a live dojo (COMPLETED) or calls off a scheduled one (CANCELLED), and closes its room. */
  async stop(auth: AuthContext, tenantId: string, dojoId: string): Promise<{ success: boolean }> {
    this.#sameTenant(auth, tenantId);
    const { db, repo } = this.deps;
    const wasLive = await db.withTenant(tenantId, async () => {
      const dojo = await this.#facilitated(auth, dojoId, true);
      if (dojo.status === 'COMPLETED' || dojo.status === 'CANCELLED') return false;
      await repo.setStatus(tenantId, dojoId, dojo.status === 'ACTIVE' ? 'COMPLETED' : 'CANCELLED');
      return dojo.status === 'ACTIVE';
    });
    // After the commit: a room activating from now on finds the dojo ended and refuses.
    if (!wasLive) return { success: true };
    // Closing the room ends its recording (the file is joined and uploaded after the reply).
    await this.deps.toLiveRoom({ tenantId, dojoId }, { kind: 'close', reason: 'stopped' });
    // No activation is left to finish a recording a dead node left RECORDING.
    await db.withTenant(tenantId, () => recordingRows.abandoned(db, { tenantId, dojoId }));
    return { success: true };
  }

  async list(auth: AuthContext, q: Page & { status?: DojoStatus }) {
    const { items, total } = await this.deps.db.withTenant(auth.tenantId, () => this.deps.repo.list(auth.tenantId, { ...q, userId: auth.role === 'admin' ? undefined : auth.userId }));
    return { items: items.map(view), total };
  }

  async get(auth: AuthContext, dojoId: string) {
    const { dojo, participants } = await this.deps.db.withTenant(auth.tenantId, async () => {
      const d = await this.#visible(auth, dojoId);
      return { dojo: d, participants: await this.deps.repo.participants(auth.tenantId, dojoId) };
    });
    const online = dojo.status === 'ACTIVE' ? await this.deps.presence.onlineUsers({ tenantId: auth.tenantId, dojoId }) : new Set<string>();
    return {
      ...view(dojo),
      participants: participants.map((p) => ({
        user_id: p.user_id,
        username: p.username,
        first_name: p.first_name,
        last_name: p.last_name,
        role: p.role,
        can_edit: p.can_edit,
        kicked: p.kicked,
        online: online.has(p.user_id),
        first_joined_at: p.first_joined_at?.toISOString() ?? null,
        last_left_at: p.last_left_at?.toISOString() ?? null,
        seconds_present: p.seconds_present,
      })),
    };
  }

  async chat(auth: AuthContext, dojoId: string, page: Page) {
    const messages = await this.deps.db.withTenant(auth.tenantId, async () => {
      await this.#visible(auth, dojoId);
      return this.deps.repo.chat(auth.tenantId, dojoId, page);
    });
    return {
      messages: messages.map((m) => ({ id: m.id, room_id: dojoId, user_id: m.user_id, client_msg_id: m.client_msg_id, text: m.text, created: m.created.toISOString() })),
    };
  }

  async snapshots(auth: AuthContext, dojoId: string, page: Page & { withState: boolean }) {
    const snaps = await this.deps.db.withTenant(auth.tenantId, async () => {
      await this.#visible(auth, dojoId);
      return this.deps.repo.snapshots(auth.tenantId, dojoId, page);
    });
    return {
      snapshots: snaps.map((s) => ({
        id: s.id,
        created: s.created.toISOString(),
        update_count: s.update_count,
        size_bytes: Number(s.size_bytes),
        text: s.text_preview,
        ...(s.state ? { state: toBase64(new Uint8Array(s.state)) } : {}),
      })),
    };
  }

  /** A pre-signed link to the dojo's newest finished recording (GET /v1/dojos/{id}/recording answers 302 to it). */
  async recording(auth: AuthContext, dojoId: string): Promise<{ url: string }> {
    const key = { tenantId: auth.tenantId, dojoId };
    const { ready, pending } = await this.deps.db.withTenant(auth.tenantId, async () => {
      await this.#visible(auth, dojoId);
      return recordingRows.latest(this.deps.db, key);
    });
    if (ready?.object_key) {
      const store = this.deps.objectStore;
      if (!store) throw new ServiceUnavailableError('Recordings cannot be downloaded through this node');
      return { url: await store.presignGet(ready.object_key, RECORDING_LINK_TTL_SECONDS, `dojo-${dojoId}.webm`) };
    }
    if (pending?.status === 'RECORDING') throw new ConflictError('The dojo is still being recorded: its recording is ready shortly after the session (or its recording) stops');
    if (pending) throw new ConflictError('The recording is being prepared and uploaded: try again in a moment');
    throw new NotFoundError('Recording');
  }

  /** Classroom mode on or off; with it on, only `editors` (and facilitators) change the code. */
  async classroom(auth: AuthContext, dojoId: string, enabled: boolean, editors: string[]): Promise<{ success: boolean }> {
    await this.deps.db.withTenant(auth.tenantId, async () => {
      await this.#facilitated(auth, dojoId, true);
      const roles = await this.deps.repo.roles(auth.tenantId, dojoId);
      const fields = editors
        .map((u, i) => ({ u, i }))
        .filter(({ u }) => roles.get(u)?.role !== 'participant')
        .map(({ i }) => ({ field: `editors.${i}`, message: 'is not a participant of this dojo' }));
      if (fields.length > 0) throw new FieldValidationError(fields);
      await this.deps.repo.setClassroom(auth.tenantId, dojoId, enabled, editors);
    });
    // Written first, then told: a room activating meanwhile loads the new mode either way.
    await this.deps.toLiveRoom({ tenantId: auth.tenantId, dojoId }, { kind: 'classroom', enabled, editors });
    return { success: true };
  }

  #sameTenant(auth: AuthContext, tenantId: string): void {
    if (tenantId !== auth.tenantId) throw new ForbiddenError('This tenant is not yours');
  }

  #facilitated(auth: AuthContext, dojoId: string, lock: boolean): Promise<DojoRow> {
    return facilitatedDojo(this.deps.repo, auth, dojoId, lock);
  }

  /** Throws unless the caller may see the dojo (its facilitator, an admin, or a member not kicked): for its executions. */
  async checkVisible(auth: AuthContext, dojoId: string): Promise<void> {
    await this.roleIn(auth, dojoId);
  }

  /** The caller's role in the dojo; throws unless they may see it. */
  roleIn(auth: AuthContext, dojoId: string): Promise<RoomRole> {
    return this.deps.db.withTenant(auth.tenantId, async () => {
      const dojo = await this.deps.repo.find(auth.tenantId, dojoId);
      if (!dojo) throw new NotFoundError('Dojo');
      if (isFacilitatorOf(auth, dojo)) return 'facilitator';
      const mine = (await this.deps.repo.roles(auth.tenantId, dojoId)).get(auth.userId);
      if (!mine || mine.kicked) throw new ForbiddenError('Not a member of this dojo');
      return mine.role;
    });
  }

  async #visible(auth: AuthContext, dojoId: string): Promise<DojoRow> {
    const dojo = await this.deps.repo.find(auth.tenantId, dojoId);
    if (!dojo) throw new NotFoundError('Dojo');
    if (isFacilitatorOf(auth, dojo)) return dojo;
    const mine = (await this.deps.repo.roles(auth.tenantId, dojoId)).get(auth.userId);
    if (!mine || mine.kicked) throw new ForbiddenError('Not a member of this dojo');
    return dojo;
  }
}
