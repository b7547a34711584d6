import { randomUUID } from 'node:crypto';
import test from 'ava';
import { QueryTypes } from 'sequelize';
import { reportJson } from '../../../protocol/rest/reports';
import { createTenant, type TestTenant } from '../../../test/support/accounts';
import { startTestNode, type TestNode } from '../../../test/support/node';
import { exportReport, getJson, seedDojo, seedKata, type SeedKata } from '../testing';

// Katas are written as the kata actor writes them (testing.ts seedKata): each needs chosen start
// times two years back, which a run through sockets cannot give. The expected figures are
// computed below from the same list, in JavaScript, not by SQL.

let app: TestNode;
let acme: TestTenant;
let other: TestTenant;
const YEAR = new Date().getUTCFullYear() - 2;
// São Paulo has kept UTC-3 all year since 2019.
const local = (text: string) => new Date(`${text}-03:00`);
const RANGE = { from: `${YEAR}-03-01`, to: `${YEAR}-03-20` };

/** Each kata with its start as a São Paulo calendar day, which decides whether the range holds it. */
const katas: Array<SeedKata & { day: string }> = [];

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'render'] });
  [acme, other] = await Promise.all([createTenant(app, { members: 2 }), createTenant(app)]);
  const db = app.node.infra.database!;
  const admin = acme.admin.userId;
  const [m1, m2] = acme.members.map((m) => m.userId) as [string, string];
  const dojoId = await seedDojo(db, acme.tenantId, admin, { subject: 'Katas', date: local(`${YEAR}-03-01T09:00:00`), minutes: 600, participants: [admin, m1, m2] });
  const exerciseId = randomUUID();
  await db.withTenant(acme.tenantId, () =>
    db.sequelize.query(`INSERT INTO kata_exercises (id, tenant_id, created_by, title, statement, language) VALUES ($1, $2, $3, 'FizzBuzz', 'fizz', 'javascript') RETURNING id`, {
      bind: [exerciseId, acme.tenantId, admin],
      type: QueryTypes.SELECT,
    }),
  );
  const base = { dojoId, facilitatorId: admin };
  katas.push(
    {
      ...base,
      day: `${YEAR}-03-10`,
      exerciseId,
      title: 'FizzBuzz',
      language: 'javascript',
      startedAt: local(`${YEAR}-03-10T10:00:00`),
      rooms: [
        { members: [m1], completedAfter: 600, testRuns: 3, tests: { passed: 4, total: 4 } },
        { members: [m2], testRuns: 2, tests: { passed: 1, total: 4 } },
      ],
    },
    // 02:30 UTC on the 21st, but the 20th in São Paulo: inside the range.
    {
      ...base,
      day: `${YEAR}-03-20`,
      exerciseId,
      title: 'FizzBuzz',
      language: 'JavaScript',
      startedAt: local(`${YEAR}-03-20T23:30:00`),
      rooms: [{ members: [m1], completedAfter: 1500, testRuns: 1, tests: { passed: 2, total: 2 } }],
    },
    { ...base, day: `${YEAR}-03-15`, title: 'Roman numerals', language: 'python', startedAt: local(`${YEAR}-03-15T09:00:00`), rooms: [{ members: [m2, admin] }] },
    // Started, nobody assigned yet: a kata run with no rooms.
    { ...base, day: `${YEAR}-03-16`, title: 'Empty', language: 'python', startedAt: local(`${YEAR}-03-16T09:00:00`), rooms: [] },
    // 00:30 on the 21st in São Paulo (03:30 UTC): outside.
    {
      ...base,
      day: `${YEAR}-03-21`,
      exerciseId,
      title: 'FizzBuzz',
      language: 'javascript',
      startedAt: local(`${YEAR}-03-21T00:30:00`),
      rooms: [{ members: [m1], completedAfter: 60, testRuns: 9, tests: { passed: 9, total: 9 } }],
    },
  );
  for (const kata of katas) await seedKata(db, acme.tenantId, kata);
});

test.after.always(async () => {
  await app?.stop();
});

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The figures of a set of katas, as the endpoint should count them: a member sees only their rooms. */
function expected(list: typeof katas, user: string | null) {
  const inRange = list.filter((k) => k.day >= RANGE.from && k.day <= RANGE.to);
  const rooms = inRange.flatMap((k) => k.rooms.filter((r) => user === null || r.members.includes(user)).map((r) => ({ kata: k, ...r })));
  const katasRun = user === null ? inRange.length : new Set(rooms.map((r) => r.kata)).size;
  const completed = rooms.filter((r) => r.completedAfter !== undefined);
  const passed = rooms.reduce((n, r) => n + (r.tests?.passed ?? 0), 0);
  const total = rooms.reduce((n, r) => n + (r.tests?.total ?? 0), 0);
  return {
    katas: katasRun,
    rooms: rooms.length,
    completed_rooms: completed.length,
    completion_rate: rooms.length ? completed.length / rooms.length : null,
    median_seconds_to_complete: median(completed.map((r) => r.completedAfter!)),
    test_runs: rooms.reduce((n, r) => n + (r.testRuns ?? 0), 0),
    tests_passed: passed,
    tests_total: total,
    test_pass_rate: total ? passed / total : null,
  };
}

const analytics = async (token: string, query = `from=${RANGE.from}&to=${RANGE.to}`) => getJson(`${app.url}/v1/reports/kata-analytics?${query}`, token);

test('an admin sees the tenant: totals, by exercise, by language, in the São Paulo calendar', async (t) => {
  const { status, body } = await analytics(acme.admin.token);
  t.is(status, 200, JSON.stringify(body));
  t.like(body, { scope: 'tenant', ...RANGE, time_zone: 'America/Sao_Paulo' });
  t.deepEqual(body.totals, expected(katas, null));
  // Sanity of the expectation itself: 4 katas, 4 rooms, 2 completed after 600 s and 1500 s.
  t.like(body.totals, { katas: 4, rooms: 4, completed_rooms: 2, median_seconds_to_complete: 1050 });
  const byExercise = body.by_exercise as Array<Record<string, unknown>>;
  const fizz = katas.filter((k) => k.title === 'FizzBuzz');
  const { language, ...first } = byExercise[0]!;
  t.deepEqual(first, { exercise_id: fizz[0]!.exerciseId, title: 'FizzBuzz', ...expected(fizz, null) });
  t.is(String(language).toLowerCase(), 'javascript');
  t.deepEqual(byExercise.map((e) => e.title).sort(), ['Empty', 'FizzBuzz', 'Roman numerals']);
  const byLanguage = new Map((body.by_language as Array<{ language: string }>).map((l) => [l.language.toLowerCase(), l]));
  t.deepEqual([...byLanguage.keys()].sort(), ['javascript', 'python']);
  t.like(
    byLanguage.get('python'),
    expected(
      katas.filter((k) => k.language === 'python'),
      null,
    ),
  );
  t.like(byLanguage.get('javascript'), expected(fizz, null));
});

test('a member sees the katas of the rooms they were in', async (t) => {
  for (const member of acme.members) {
    const { status, body } = await analytics(member.token);
    t.is(status, 200, JSON.stringify(body));
    t.is(body.scope, 'user');
    t.deepEqual(body.totals, expected(katas, member.userId));
  }
  // The first member's rooms: both FizzBuzz katas in the range, both completed.
  t.like((await analytics(acme.members[0]!.token)).body.totals, { katas: 2, rooms: 2, completed_rooms: 2, completion_rate: 1 });
});

test('an empty range has zeros and nulls; bad input names the field; another tenant is a 404', async (t) => {
  const empty = await analytics(acme.admin.token, `from=${YEAR - 1}-01-01&to=${YEAR - 1}-01-31`);
  t.is(empty.status, 200);
  t.deepEqual(empty.body.totals, {
    katas: 0,
    rooms: 0,
    completed_rooms: 0,
    completion_rate: null,
    median_seconds_to_complete: null,
    test_runs: 0,
    tests_passed: 0,
    tests_total: 0,
    test_pass_rate: null,
  });
  t.deepEqual(empty.body.by_exercise, []);
  t.deepEqual((await analytics(other.admin.token)).body.totals, empty.body.totals);
  for (const [query, field] of [
    ['from=2024-02-30', 'from'],
    [`from=${YEAR}-03-02&to=${YEAR}-03-01`, 'to'],
  ] as const) {
    const res = await analytics(acme.admin.token, query);
    t.is(res.status, 422);
    t.like(res.body, { error: { fields: [{ field }] } });
  }
  t.is((await analytics(acme.admin.token, `tenant_id=${other.tenantId}`)).status, 404);
});

const exported = (body: Record<string, unknown>, token = acme.admin.token) => exportReport(app.url, token, body);

test('kata analytics export: JSON with the same figures, an HTML page with its chart, a member their slice', async (t) => {
  const doc = reportJson.parse(JSON.parse((await exported({ type: 'KATA_ANALYTICS', format: 'json', ...RANGE, locale: 'en' })).toString('utf8')));
  t.like(doc, { type: 'KATA_ANALYTICS', title: 'Kata analytics' });
  const all = expected(katas, null);
  t.deepEqual(doc.sections[0]!.rows[0], {
    katas: all.katas,
    rooms: all.rooms,
    completed_rooms: all.completed_rooms,
    completion_rate: all.completion_rate,
    median_minutes: Math.round(all.median_seconds_to_complete! / 6) / 10,
    test_runs: all.test_runs,
    test_pass_rate: all.test_pass_rate,
  });
  t.is(doc.sections[0]!.columns.find((c) => c.key === 'completion_rate')?.type, 'percent');
  const html = (await exported({ type: 'KATA_ANALYTICS', format: 'html', ...RANGE })).toString('utf8');
  t.true(html.includes('Análise de katas'));
  t.true(html.includes('<svg'), 'the by-exercise chart');
  // 50 % completion in pt-BR.
  t.regex(html, /50\s?%/);
  const member = acme.members[1]!;
  const mine = reportJson.parse(JSON.parse((await exported({ type: 'KATA_ANALYTICS', format: 'json', ...RANGE }, member.token)).toString('utf8')));
  t.like(mine.sections[0]!.rows[0], { katas: expected(katas, member.userId).katas, rooms: expected(katas, member.userId).rooms });
});
