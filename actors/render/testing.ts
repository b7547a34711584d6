import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Database } from '../../infra/db/database';

/** A POC to seed, with the creation date the yearly figures depend on. */
export interface SeedPoc {
  name: string;
  language: string;
  tags?: string[];
  frameworks?: string[];
  description?: string;
  created: Date;
}

const key = (label: string) => label.trim().toLowerCase();

/**
 * Inserts POCs straight into the tables, as of a chosen date: the REST API stamps them "now",
 * and a yearly report or video is about past years. Test and benchmark use only.
 */
export async function seedPocs(database: Database, tenantId: string, ownerId: string, pocs: readonly SeedPoc[]): Promise<string[]> {
  const q = (sql: string, bind: unknown[]) => database.sequelize.query(sql, { bind, type: QueryTypes.SELECT });
  const ids: string[] = [];
  await database.withTenant(tenantId, async () => {
    // The poc actor's search migration adds creation times to the link rows and label arrays to
    // the POC row; seed them when they are there so its queries see these POCs too.
    const columns = new Set(
      ((await q(`SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_name IN ('pocs', 'poc_tags', 'poc_frameworks')`, [])) as Array<{ c: string }>).map(
        (r) => r.c,
      ),
    );
    const arrays = columns.has('pocs.tag_keys');
    for (const poc of pocs) {
      const id = randomUUID();
      ids.push(id);
      const tags = poc.tags ?? [];
      const frameworks = poc.frameworks ?? [];
      await q(
        `INSERT INTO pocs (id, tenant_id, owner_id, name, description, repo_url, language, language_key, created, updated${arrays ? ', tags, tag_keys, frameworks, framework_keys' : ''})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9${arrays ? ', $10, $11, $12, $13' : ''}) RETURNING id`,
        [
          id,
          tenantId,
          ownerId,
          poc.name,
          poc.description ?? '',
          `https://git.example.com/${key(poc.name).replace(/\W+/g, '-')}`,
          poc.language,
          key(poc.language),
          poc.created,
          ...(arrays ? [tags, tags.map(key), frameworks, frameworks.map(key)] : []),
        ],
      );
      for (const [table, column, labels] of [
        ['poc_tags', 'tag', tags],
        ['poc_frameworks', 'framework', frameworks],
      ] as const) {
        const stamped = columns.has(`${table}.created`);
        for (const label of labels) {
          await q(`INSERT INTO ${table} (tenant_id, poc_id, ${column}, ${column}_key${stamped ? ', created' : ''}) VALUES ($1, $2, $3, $4${stamped ? ', $5' : ''}) RETURNING poc_id`, [
            tenantId,
            id,
            label,
            key(label),
            ...(stamped ? [poc.created] : []),
          ]);
        }
      }
    }
  });
  return ids;
}

/** A dojo that took place: started and ended, with participants who joined. */
export async function seedDojo(database: Database, tenantId: string, facilitatorId: string, dojo: { subject: string; date: Date; minutes: number; participants: string[] }): Promise<string> {
  const q = (sql: string, bind: unknown[]) => database.sequelize.query(sql, { bind, type: QueryTypes.SELECT });
  const id = randomUUID();
  await database.withTenant(tenantId, async () => {
    const end = new Date(dojo.date.getTime() + dojo.minutes * 60_000);
    await q(
      `INSERT INTO dojos (id, tenant_id, facilitator_id, subject, dojo_date, status, join_code, started_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, 'COMPLETED', $6, $5, $7) RETURNING id`,
      [id, tenantId, facilitatorId, dojo.subject, dojo.date, id.slice(0, 8), end],
    );
    for (const userId of dojo.participants) {
      await q(`INSERT INTO dojo_participants (tenant_id, dojo_id, user_id, first_joined_at) VALUES ($1, $2, $3, $4) RETURNING user_id`, [tenantId, id, userId, dojo.date]);
    }
  });
  return id;
}

/** A kata room as the kata actor leaves it: its members, and its result from completion and test runs. */
export interface SeedKataRoom {
  members: string[];
  /** Seconds from the kata's start to the room's completion; absent: not completed. */
  completedAfter?: number;
  testRuns?: number;
  /** The last run's tests: passed of total. */
  tests?: { passed: number; total: number };
}

export interface SeedKata {
  dojoId: string;
  facilitatorId: string;
  exerciseId?: string;
  title: string;
  language: string;
  startedAt: Date;
  rooms: SeedKataRoom[];
}

/**
 * A kata written as the kata actor writes it (KataStore: katas, kata_rooms, kata_room_members,
 * kata_results; code.executed updates the results): a run through sockets takes minutes per kata,
 * and the analytics need many with chosen start times. Returns the kata's id.
 */
export async function seedKata(database: Database, tenantId: string, kata: SeedKata): Promise<string> {
  const q = (sql: string, bind: unknown[]) => database.sequelize.query(sql, { bind, type: QueryTypes.SELECT });
  const id = randomUUID();
  await database.withTenant(tenantId, async () => {
    const deadline = new Date(kata.startedAt.getTime() + 3_600_000);
    await q(
      `INSERT INTO katas (id, tenant_id, dojo_id, facilitator_id, exercise_id, title, statement, language, duration_minutes, room_size, status, started_at, deadline, ended_at, end_reason)
       VALUES ($1, $2, $3, $4, $5, $6, 'statement', $7, 60, 2, 'ENDED', $8, $9, $9, 'timeout') RETURNING id`,
      [id, tenantId, kata.dojoId, kata.facilitatorId, kata.exerciseId ?? null, kata.title, kata.language, kata.startedAt, deadline],
    );
    for (const [position, room] of kata.rooms.entries()) {
      const roomId = randomUUID();
      const done = room.completedAfter !== undefined;
      await q(`INSERT INTO kata_rooms (id, tenant_id, kata_id, name, position, status, completed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, [
        roomId,
        tenantId,
        id,
        `Room ${position + 1}`,
        position,
        done ? 'COMPLETED' : 'CLOSED',
        done ? new Date(kata.startedAt.getTime() + room.completedAfter! * 1000) : null,
      ]);
      // The breakout room's own dojo row, as actors/dojo-room/Breakouts.ts writes it (same id,
      // parent_dojo_id set): reports must not count it as a dojo held.
      await q(
        `INSERT INTO dojos (id, tenant_id, facilitator_id, subject, language, dojo_date, status, started_at, ended_at, join_code, max_participants, parent_dojo_id, kata_id)
         VALUES ($1, $2, $3, $4, $5, $6, 'COMPLETED', $6, $7, $8, 2, $9, $10) RETURNING id`,
        [roomId, tenantId, kata.facilitatorId, `Room ${position + 1}`, kata.language, kata.startedAt, deadline, `K${roomId.replaceAll('-', '').slice(0, 7).toUpperCase()}`, kata.dojoId, id],
      );
      for (const userId of room.members) {
        await q(`INSERT INTO kata_room_members (tenant_id, kata_id, room_id, user_id) VALUES ($1, $2, $3, $4) RETURNING user_id`, [tenantId, id, roomId, userId]);
      }
      await q(
        `INSERT INTO kata_results (tenant_id, kata_id, room_id, completed, seconds_to_complete, test_runs, tests_passed, tests_failed, tests_total)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING room_id`,
        [tenantId, id, roomId, done, room.completedAfter ?? null, room.testRuns ?? 0, room.tests?.passed ?? null, room.tests ? room.tests.total - room.tests.passed : null, room.tests?.total ?? null],
      );
    }
  });
  return id;
}

type Json = Record<string, unknown>;

/** GET with a bearer token, the JSON body and status. */
export async function getJson(url: string, token: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Json };
}

/** Polls a job (report or video) until it leaves PENDING/PROCESSING; returns the last view. */
export async function waitForJob(url: string, token: string, timeoutMs = 60_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await getJson(url, token);
    // 503 (a render node just died, the database restarts) says retry, as a client would.
    if (status === 503 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    if (status !== 200) throw new Error(`GET ${url} -> ${status}: ${JSON.stringify(body)}`);
    if (body.status !== 'PENDING' && body.status !== 'PROCESSING') return body;
    if (Date.now() > deadline) throw new Error(`job still ${String(body.status)} after ${timeoutMs} ms: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Follows a download route as a client would: the 302, then the pre-signed URL without credentials. */
export async function download(url: string, token: string): Promise<{ redirect: string; type: string | null; bytes: Buffer }> {
  const first = await fetch(url, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
  const location = first.headers.get('location');
  if (first.status !== 302 || !location) throw new Error(`GET ${url} -> ${first.status}: ${await first.text()}`);
  const file = await fetch(location);
  if (!file.ok) throw new Error(`GET pre-signed ${location} -> ${file.status}`);
  return { redirect: location, type: file.headers.get('content-type'), bytes: Buffer.from(await file.arrayBuffer()) };
}

/** POST /v1/reports/export as a client: waits for the job and downloads the file. */
export async function exportReport(baseUrl: string, token: string, body: Record<string, unknown>): Promise<Buffer> {
  const res = await fetch(`${baseUrl}/v1/reports/export`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`export -> ${res.status}: ${await res.text()}`);
  const { report_id: id } = (await res.json()) as { report_id: string };
  const view = await waitForJob(`${baseUrl}/v1/reports/${id}`, token);
  if (view.status !== 'COMPLETED') throw new Error(`export ${JSON.stringify(view)}`);
  return (await download(`${baseUrl}/v1/reports/${id}/download`, token)).bytes;
}
