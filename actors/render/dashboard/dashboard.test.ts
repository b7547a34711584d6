import { randomUUID } from 'node:crypto';
import test from 'ava';
import { QueryTypes } from 'sequelize';
import { authed, createTenant, type TestTenant } from '../../../test/support/accounts';
import { startTestNode, type TestNode } from '../../../test/support/node';
import { getJson, seedDojo, seedKata, seedPocs } from '../testing';

let app: TestNode;
let acme: TestTenant;
let other: TestTenant;
const TZ = 'America/Sao_Paulo';
// Two years back: nothing the test's own sign-ups and logins do today falls in it.
const YEAR = new Date().getUTCFullYear() - 2;
// São Paulo has kept UTC-3 all year since 2019, so a local wall time is written with -03:00.
const local = (text: string) => new Date(`${text}-03:00`);

/** What the test inserted, as the dashboard should count it (computed here, not by SQL). */
interface Event {
  user: string;
  kind: 'login' | 'poc' | 'dojo' | 'kata' | 'render';
  at: Date;
  minutes?: number;
  /** For a dojo: who joined it; for a kata: its facilitator and room members. */
  joined?: string[];
}
const events: Event[] = [];
let adminPoc = '';
let memberPoc = '';

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc', 'render'] });
  [acme, other] = await Promise.all([createTenant(app, { members: 1 }), createTenant(app)]);
  const db = app.node.infra.database!;
  const admin = acme.admin.userId;
  const member = acme.members[0]!.userId;
  const adminPocs = [
    { name: 'New year morning', language: 'TypeScript', tags: ['web'], frameworks: ['Express'], created: local(`${YEAR}-01-01T00:30:00`) },
    { name: 'Ides', language: 'Go', tags: ['cli', 'Web'], created: local(`${YEAR}-03-15T12:00:00`) },
    // 02:30 UTC on 1 January of the next year, but 31 December in São Paulo: this year's.
    { name: 'New year eve', language: 'Rust', created: local(`${YEAR}-12-31T23:30:00`) },
    // 02:30 UTC on 1 January of this year, but last year's in São Paulo.
    { name: 'Last year', language: 'Java', created: local(`${YEAR - 1}-12-31T23:30:00`) },
  ];
  const memberPocs = [
    { name: 'Spring', language: 'typescript', tags: ['web'], created: local(`${YEAR}-03-20T10:00:00`) },
    { name: 'Independence', language: 'Go', created: local(`${YEAR}-07-04T21:30:00`) },
  ];
  const adminIds = await seedPocs(db, acme.tenantId, admin, adminPocs);
  const memberIds = await seedPocs(db, acme.tenantId, member, memberPocs);
  adminPoc = adminIds[1]!;
  memberPoc = memberIds[0]!;
  events.push(...adminPocs.map((p) => ({ user: admin, kind: 'poc' as const, at: p.created })), ...memberPocs.map((p) => ({ user: member, kind: 'poc' as const, at: p.created })));

  const q = (sql: string, bind: unknown[]) => db.withTenant(acme.tenantId, () => db.sequelize.query(sql, { bind, type: QueryTypes.SELECT }));
  for (const [user, at] of [
    [admin, local(`${YEAR}-03-15T09:00:00`)],
    [admin, local(`${YEAR}-03-16T09:00:00`)],
    [member, local(`${YEAR}-07-04T22:00:00`)],
  ] as const) {
    await q(`INSERT INTO sessions (id, tenant_id, user_id, created, last_seen) VALUES ($1, $2, $3, $4, $4) RETURNING id`, [randomUUID(), acme.tenantId, user, at]);
    events.push({ user, kind: 'login', at });
  }
  const dojoIds: string[] = [];
  for (const dojo of [
    { subject: 'Bowling', date: local(`${YEAR}-03-15T14:00:00`), minutes: 90, participants: [admin, member] },
    { subject: 'Roman numerals', date: local(`${YEAR}-07-01T10:00:00`), minutes: 30, participants: [admin] },
  ]) {
    dojoIds.push(await seedDojo(db, acme.tenantId, admin, dojo));
    events.push({ user: admin, kind: 'dojo', at: dojo.date, minutes: dojo.minutes, joined: dojo.participants });
  }
  for (const kata of [
    { dojo: 0, startedAt: local(`${YEAR}-03-15T14:30:00`), rooms: [[admin], [member]] },
    { dojo: 0, startedAt: local(`${YEAR}-03-15T15:00:00`), rooms: [[admin]] },
    { dojo: 1, startedAt: local(`${YEAR}-07-01T10:10:00`), rooms: [[admin]] },
    // 02:40 UTC on 1 January of the next year: 31 December in São Paulo, and the member's (in a room).
    { dojo: 1, startedAt: local(`${YEAR}-12-31T23:40:00`), rooms: [[member]] },
    // 02:40 UTC on 1 January of this year: last year's in São Paulo.
    { dojo: 1, startedAt: local(`${YEAR - 1}-12-31T23:40:00`), rooms: [[admin, member]] },
  ]) {
    const rooms = kata.rooms.map((members) => ({ members }));
    await seedKata(db, acme.tenantId, { dojoId: dojoIds[kata.dojo]!, facilitatorId: admin, title: 'Kata', language: 'Go', startedAt: kata.startedAt, rooms });
    events.push({ user: admin, kind: 'kata', at: kata.startedAt, joined: [admin, ...kata.rooms.flat()] });
  }
  const reportDone = local(`${YEAR}-03-16T10:00:00`);
  await q(
    `INSERT INTO reports (id, tenant_id, user_id, type, year, format, status, progress, size_bytes, completed_at) VALUES ($1, $2, $3, 'BILLING', NULL, 'pdf', 'COMPLETED', 100, 300, $4) RETURNING id`,
    [randomUUID(), acme.tenantId, admin, reportDone],
  );
  events.push({ user: admin, kind: 'render', at: reportDone });
  const videoDone = local(`${YEAR}-07-05T10:00:00`);
  await q(`INSERT INTO content_requests (id, tenant_id, user_id, year, status, progress, size_bytes, completed_at) VALUES ($1, $2, $3, $4, 'COMPLETED', 100, 5000, $5) RETURNING id`, [
    randomUUID(),
    acme.tenantId,
    member,
    YEAR,
    videoDone,
  ]);
  events.push({ user: member, kind: 'render', at: videoDone });
  await q(`INSERT INTO poc_favorites (tenant_id, user_id, poc_id) VALUES ($1, $2, $3), ($1, $4, $3) RETURNING poc_id`, [acme.tenantId, admin, adminPoc, member]);
});

test.after.always(async () => {
  await app?.stop();
});

/** The São Paulo calendar date of an instant. */
const localDate = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

function periodStart(date: string, groupBy: string): string {
  if (groupBy === 'month') return `${date.slice(0, 7)}-01`;
  if (groupBy === 'day') return date;
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/** The figures the dashboard should show, from the events list alone. */
function expected(from: string, to: string, groupBy: string, only?: string) {
  const zero = () => ({ active_users: new Set<string>(), logins: 0, pocs_created: 0, dojos_held: 0, dojo_minutes: 0, katas_run: 0, renders: 0 });
  const periods = new Map<string, ReturnType<typeof zero>>();
  const total = zero();
  for (const e of events) {
    const date = localDate(e.at);
    if (date < from || date > to) continue;
    const shared = e.kind === 'dojo' || e.kind === 'kata';
    if (only && !shared && e.user !== only) continue;
    if (only && shared && !e.joined?.includes(only)) continue;
    const key = periodStart(date, groupBy);
    const p = periods.get(key) ?? zero();
    periods.set(key, p);
    for (const f of [p, total]) {
      if (e.kind === 'login') f.logins++;
      if (e.kind === 'poc') f.pocs_created++;
      if (e.kind === 'render') f.renders++;
      if (e.kind === 'kata') f.katas_run++;
      if (e.kind === 'dojo') {
        f.dojos_held++;
        f.dojo_minutes += e.minutes ?? 0;
      }
      const active = e.kind === 'dojo' ? (e.joined ?? []).filter((u) => !only || u === only) : e.kind === 'render' || e.kind === 'kata' ? [] : [e.user];
      for (const u of active) f.active_users.add(u);
    }
  }
  const flat = (f: ReturnType<typeof zero>) => ({ ...f, active_users: f.active_users.size });
  return { totals: flat(total), periods: new Map([...periods].map(([k, v]) => [k, flat(v)])) };
}

type Usage = { scope: string; time_zone: string; totals: Record<string, number>; buckets: Array<Record<string, number | string>> };

async function usage(query: string, tenant = acme, token = tenant.admin.token): Promise<Usage> {
  const { status, body } = await getJson(`${app.url}/v1/reports/usage?${query}`, token);
  if (status !== 200) throw new Error(`usage -> ${status}: ${JSON.stringify(body)}`);
  return body as unknown as Usage;
}

function check(t: import('ava').ExecutionContext, got: Usage, from: string, to: string, groupBy: string, only?: string) {
  const want = expected(from, to, groupBy, only);
  t.deepEqual(got.totals, want.totals);
  for (const bucket of got.buckets) {
    const { start, ...figures } = bucket;
    t.deepEqual(figures, want.periods.get(start as string) ?? { active_users: 0, logins: 0, pocs_created: 0, dojos_held: 0, dojo_minutes: 0, katas_run: 0, renders: 0 }, `period ${String(start)}`);
  }
  for (const start of want.periods.keys())
    t.true(
      got.buckets.some((b) => b.start === start),
      `period ${start} listed`,
    );
}

test('usage by month counts the year in São Paulo time: 23:30 on 31 December is December', async (t) => {
  const got = await usage(`from=${YEAR}-01-01&to=${YEAR}-12-31&group_by=month`);
  t.is(got.scope, 'tenant');
  t.is(got.time_zone, TZ);
  t.is(got.buckets.length, 12);
  check(t, got, `${YEAR}-01-01`, `${YEAR}-12-31`, 'month');
  t.is(got.totals.pocs_created, 5, 'the POC of last year’s 31 December (1 January in UTC) is out, this year’s is in');
  t.is(got.buckets[11]!.pocs_created, 1);
  t.is(got.buckets[0]!.pocs_created, 1);
  t.is(got.totals.katas_run, 4, 'the kata of last year’s 31 December is out');
  t.is(got.buckets[11]!.katas_run, 1, 'the kata of 23:40 on 31 December is December’s');
});

test('usage by day and by week, admin and member slices', async (t) => {
  check(t, await usage(`from=${YEAR}-03-14&to=${YEAR}-03-17&group_by=day`), `${YEAR}-03-14`, `${YEAR}-03-17`, 'day');
  check(t, await usage(`from=${YEAR}-06-28&to=${YEAR}-07-10&group_by=week`), `${YEAR}-06-28`, `${YEAR}-07-10`, 'week');
  const member = acme.members[0]!;
  const mine = await usage(`from=${YEAR}-01-01&to=${YEAR}-12-31&group_by=month`, acme, member.token);
  t.is(mine.scope, 'user');
  check(t, mine, `${YEAR}-01-01`, `${YEAR}-12-31`, 'month', member.userId);
  // Another tenant sees none of it.
  const theirs = await usage(`from=${YEAR}-01-01&to=${YEAR}-12-31&group_by=month`, other);
  t.deepEqual(theirs.totals, { active_users: 0, logins: 0, pocs_created: 0, dojos_held: 0, dojo_minutes: 0, katas_run: 0, renders: 0 });
});

test('usage refuses bad input naming the field, and another tenant is a 404', async (t) => {
  const bad = async (query: string, field: string) => {
    const { status, body } = await getJson(`${app.url}/v1/reports/usage?${query}`, acme.admin.token);
    t.is(status, 422, query);
    t.true(JSON.stringify(body).includes(`"field":"${field}"`), `${query}: ${JSON.stringify(body)}`);
  };
  await bad('group_by=year', 'group_by');
  await bad(`from=${YEAR}-03-02&to=${YEAR}-03-01`, 'to');
  await bad('from=2024-02-30', 'from');
  await bad('to=2024-13-01', 'to');
  await bad(`from=2000-01-01&to=${YEAR}-01-01`, 'from');
  t.is((await getJson(`${app.url}/v1/reports/usage?tenant_id=${other.tenantId}`, acme.admin.token)).status, 404);
  t.is((await getJson(`${app.url}/v1/reports/tenant-overview?tenant_id=${other.tenantId}`, acme.admin.token)).status, 404);
});

test('a cached answer is served until a write announces itself', async (t) => {
  const before = await usage('group_by=month');
  // Written behind the poc actor's back: no event, so the cached answer stands...
  await seedPocs(app.node.infra.database!, acme.tenantId, acme.admin.userId, [{ name: 'Quiet', language: 'Go', created: new Date() }]);
  t.deepEqual((await usage('group_by=month')).totals, before.totals);
  // ...and a POC created through the API announces itself, so both are counted.
  const res = await fetch(`${app.url}/v1/pocs`, {
    method: 'POST',
    headers: authed(acme.admin.token),
    body: JSON.stringify({ name: 'Loud', repo_url: 'https://git.example.com/loud', language: 'Go', tags: [], frameworks: [] }),
  });
  t.is(res.status, 201, await res.text());
  t.is((await usage('group_by=month')).totals.pocs_created, before.totals.pocs_created + 2);
});

test('poc summary: owner, labels, favourites; hidden and foreign POCs are 404', async (t) => {
  const { status, body } = await getJson(`${app.url}/v1/reports/poc-summary/${adminPoc}`, acme.admin.token);
  t.is(status, 200, JSON.stringify(body));
  t.like(body, { id: adminPoc, name: 'Ides', language: 'Go', tags: ['cli', 'Web'], frameworks: [], favourites: 2, favourited_by_me: true, dojo_appearances: null });
  t.like(body.owner as object, { id: acme.admin.userId, username: acme.admin.username });
  const member = acme.members[0]!;
  // The admin's POC is private: the member does not see it; their own they do.
  t.is((await getJson(`${app.url}/v1/reports/poc-summary/${adminPoc}`, member.token)).status, 404);
  const own = await getJson(`${app.url}/v1/reports/poc-summary/${memberPoc}`, member.token);
  t.is(own.status, 200);
  t.like(own.body, { favourites: 0, favourited_by_me: false });
  t.is((await getJson(`${app.url}/v1/reports/poc-summary/${adminPoc}`, other.admin.token)).status, 404);
  t.is((await getJson(`${app.url}/v1/reports/poc-summary/not-a-uuid`, acme.admin.token)).status, 422);
});

test('tenant overview for admins; a member gets 403', async (t) => {
  const { status, body } = await getJson(`${app.url}/v1/reports/tenant-overview`, acme.admin.token);
  t.is(status, 200, JSON.stringify(body));
  const o = body as Record<string, Record<string, unknown>>;
  t.deepEqual(o.members, {
    total: 2,
    by_status: [{ name: 'ACTIVE', count: 2 }],
    by_role: [
      { name: 'admin', count: 1 },
      { name: 'member', count: 1 },
    ],
  });
  const pocs = o.pocs as { total: number; by_language: Array<{ name: string; count: number }>; by_tag: Array<{ name: string; count: number }> };
  // Counted from what the earlier tests may have added too: six seeded + "Quiet" + "Loud".
  t.true(pocs.total >= 6);
  t.is(pocs.by_tag.find((c) => c.name.toLowerCase() === 'web')?.count, 3);
  t.like(o.dojos, { held: 2, minutes: 120, participants: 3 });
  t.deepEqual(o.storage, { recordings: { count: 0, bytes: 0 }, videos: { count: 1, bytes: 5000 }, reports: { count: 1, bytes: 300 }, total_bytes: 5300 });
  t.is(o.time_zone as unknown as string, TZ);
  t.is((await getJson(`${app.url}/v1/reports/tenant-overview`, acme.members[0]!.token)).status, 403);
});
