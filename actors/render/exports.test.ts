import test from 'ava';
import ExcelJS from 'exceljs';
import { reportJson } from '../../protocol/rest/reports';
import { authed, createTenant, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { parseCsv } from './report/csv';
import { exportReport, seedDojo, seedKata, seedPocs } from './testing';

let app: TestNode;
let acme: TestTenant;
let other: TestTenant;
const YEAR = new Date().getUTCFullYear() - 2;
// São Paulo has kept UTC-3 all year since 2019.
const local = (text: string) => new Date(`${text}-03:00`);
let privatePoc = '';

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc', 'render'] });
  [acme, other] = await Promise.all([createTenant(app, { members: 1 }), createTenant(app)]);
  const db = app.node.infra.database!;
  [privatePoc] = await seedPocs(db, acme.tenantId, acme.admin.userId, [
    { name: 'Edge', language: 'Go', tags: ['web'], created: local(`${YEAR}-01-10T10:00:00`) },
    { name: 'Cli', language: 'Go', tags: ['cli'], created: local(`${YEAR}-01-20T10:00:00`) },
    { name: 'Eve', language: 'Rust', tags: ['Web', 'cli'], created: local(`${YEAR}-12-31T23:30:00`) },
  ]);
  const bowling = await seedDojo(db, acme.tenantId, acme.admin.userId, { subject: 'Bowling', date: local(`${YEAR}-12-31T23:00:00`), minutes: 45, participants: [acme.admin.userId] });
  // Started at 02:40 UTC on 1 January of the next year: December's kata in São Paulo.
  await seedKata(db, acme.tenantId, {
    dojoId: bowling,
    facilitatorId: acme.admin.userId,
    title: 'Kata',
    language: 'Go',
    startedAt: local(`${YEAR}-12-31T23:40:00`),
    rooms: [{ members: [acme.admin.userId] }],
  });
  await seedDojo(db, acme.tenantId, acme.admin.userId, { subject: 'FizzBuzz', date: local(`${YEAR}-02-01T10:00:00`), minutes: 60, participants: [acme.admin.userId, acme.members[0]!.userId] });
});

test.after.always(async () => {
  await app?.stop();
});

const exported = (body: Record<string, unknown>, token = acme.admin.token) => exportReport(app.url, token, body);

const year = { from: `${YEAR}-01-01`, to: `${YEAR}-12-31` };

test('a usage XLSX opens back with typed cells: a sheet per section, header row, numbers and dates', async (t) => {
  const bytes = await exported({ type: 'USAGE', format: 'xlsx', ...year, group_by: 'month' });
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  t.deepEqual(
    book.worksheets.map((s) => s.name),
    ['Totais', 'Por período'],
  );
  const totals = book.getWorksheet('Totais')!;
  t.deepEqual((totals.getRow(1).values as unknown[]).slice(1), ['Usuários ativos', 'Acessos', 'POCs criadas', 'Dojos realizados', 'Minutos de dojo', 'Katas realizados', 'Renderizações']);
  t.true(totals.getRow(1).font?.bold);
  // 3 POCs (the one of 23:30 on 31 December is this year's), 2 dojos of 105 minutes, 1 kata, 2 people active.
  t.deepEqual((totals.getRow(2).values as unknown[]).slice(1), [2, 0, 3, 2, 105, 1, 0]);
  const periods = book.getWorksheet('Por período')!;
  t.is(periods.rowCount, 13);
  const december = periods.getRow(13);
  t.true(december.getCell(1).value instanceof Date);
  t.is((december.getCell(1).value as Date).toISOString().slice(0, 10), `${YEAR}-12-01`);
  t.is(december.getCell(1).numFmt, 'mmm yyyy');
  t.is(december.getCell(4).value, 1, 'POCs created in December');
  t.is(december.getCell(7).value, 1, 'katas run in December');
  t.is(periods.getRow(2).getCell(4).value, 2, 'POCs created in January');
});

test('a JSON export validates against the schema; tags filter the POCs counted', async (t) => {
  const doc = reportJson.parse(JSON.parse((await exported({ type: 'USAGE', format: 'json', ...year, group_by: 'month', tags: ['WEB'], locale: 'en' })).toString('utf8')));
  t.like(doc, { type: 'USAGE', locale: 'en', time_zone: 'America/Sao_Paulo', currency: 'BRL', title: 'Usage report' });
  t.like(doc.sections[0]!.rows[0], { pocs_created: 2, dojos_held: 2, dojo_minutes: 105, katas_run: 1 });
  t.is(doc.sections[1]!.rows.length, 12);
  t.like(doc.sections[1]!.rows[11], { period: `${YEAR}-12`, pocs_created: 1, katas_run: 1 });
  const excluded = reportJson.parse(JSON.parse((await exported({ type: 'USAGE', format: 'json', ...year, exclude_tags: ['cli'] })).toString('utf8')));
  t.like(excluded.sections[0]!.rows[0], { pocs_created: 1 });
});

test('tags filter the POC figures of the annual report and the tenant overview', async (t) => {
  const json = async (body: Record<string, unknown>) => reportJson.parse(JSON.parse((await exported({ format: 'json', locale: 'en', ...body })).toString('utf8')));
  const section = (doc: Awaited<ReturnType<typeof json>>, id: string) => doc.sections.find((s) => s.id === id)!;
  // The year's POCs: Edge (web), Cli (cli), Eve (Web, cli; 23:30 on 31 December in São Paulo).
  const cli = await json({ type: 'ANNUAL', from: `${YEAR}-01-01`, tags: ['CLI'] });
  t.like(section(cli, 'summary').rows[0], { pocs: 2, languages: 2, dojos: 2 });
  const noCli = await json({ type: 'ANNUAL', from: `${YEAR}-01-01`, exclude_tags: ['cli'] });
  t.like(section(noCli, 'summary').rows[0], { pocs: 1, languages: 1, dojos: 2 });
  t.deepEqual(section(noCli, 'languages').rows, [{ language: 'Go', pocs: 1 }]);
  const web = await json({ type: 'TENANT_OVERVIEW', tags: ['web'] });
  t.deepEqual(
    section(web, 'pocs_by_language').rows.map((r) => [r.name, r.count]),
    [
      ['Go', 1],
      ['Rust', 1],
    ],
  );
  const all = await json({ type: 'TENANT_OVERVIEW' });
  t.is(
    section(all, 'pocs_by_language').rows.reduce((n, r) => n + Number(r.count), 0),
    3,
  );
});

test('dojos and users listings stream to CSV and XLSX; dates on the tenant calendar', async (t) => {
  const csv = parseCsv((await exported({ type: 'DOJOS', format: 'csv', ...year })).toString('utf8'));
  const dates = csv.filter((r) => r[2] === 'date').map((r) => r[3]);
  // 23:00 on 31 December in São Paulo is 02:00 UTC on 1 January: still the 31st here.
  t.deepEqual(dates, [`${YEAR}-02-01`, `${YEAR}-12-31`]);
  t.deepEqual(
    csv.filter((r) => r[2] === 'minutes').map((r) => r[3]),
    ['60', '45'],
  );
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await exported({ type: 'USERS', format: 'xlsx', locale: 'en' })) as unknown as ArrayBuffer);
  const users = book.worksheets[0]!;
  t.is(users.name, 'Users');
  t.is(users.rowCount, 3);
  const byName = new Map(
    [2, 3].map((i) => {
      const row = users.getRow(i);
      return [String(row.getCell(1).value), row];
    }),
  );
  t.is(byName.get(acme.admin.username)?.getCell(7).value, 3);
  t.is(byName.get(acme.members[0]!.username)?.getCell(8).value, 1);
  t.true(byName.get(acme.admin.username)?.getCell(6).value instanceof Date);
});

test('the overview and a POC summary export as pt-BR pages', async (t) => {
  const html = (await exported({ type: 'TENANT_OVERVIEW', format: 'html' })).toString('utf8');
  t.true(html.includes('Visão geral do tenant'));
  t.true(html.includes('Membros por papel'));
  const summary = (await exported({ type: 'POC_SUMMARY', format: 'html', poc_id: privatePoc, title: 'Minha POC' })).toString('utf8');
  t.true(summary.includes('<h1>Minha POC</h1>'));
  t.true(summary.includes('10/01/' + YEAR));
});

test('exports refuse bad input by field, members beyond their slice, and other tenants', async (t) => {
  const post = (body: unknown, token = acme.admin.token) => fetch(`${app.url}/v1/reports/export`, { method: 'POST', headers: authed(token), body: JSON.stringify(body) });
  const bad = async (body: unknown, field: string) => {
    const res = await post(body);
    t.is(res.status, 422, JSON.stringify(body));
    t.like(await res.json(), { error: { code: 'VALIDATION_ERROR', fields: [{ field }] } });
  };
  await bad({ type: 'USAGE', format: 'docx' }, 'format');
  await bad({ type: 'KATAS' }, 'type');
  await bad({ type: 'POC_SUMMARY' }, 'poc_id');
  await bad({ type: 'USAGE', from: `${YEAR}-02-01`, to: `${YEAR}-01-01` }, 'to');
  // Choices a type has no use for are refused by name, not ignored.
  await bad({ type: 'DOJOS', tags: ['web'] }, 'tags');
  await bad({ type: 'BILLING', exclude_tags: ['web'] }, 'exclude_tags');
  await bad({ type: 'KATA_ANALYTICS', group_by: 'month' }, 'group_by');
  await bad({ type: 'ANNUAL', group_by: 'week' }, 'group_by');
  const member = acme.members[0]!.token;
  t.is((await post({ type: 'USERS', format: 'csv' }, member)).status, 403);
  t.is((await post({ type: 'POC_SUMMARY', poc_id: privatePoc }, member)).status, 404);
  t.is((await post({ type: 'POC_SUMMARY', poc_id: privatePoc }, other.admin.token)).status, 404);
  t.is((await post({ type: 'USAGE', format: 'json' }, member)).status, 202);
});
