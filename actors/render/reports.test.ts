import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import { QueryTypes } from 'sequelize';
import test from 'ava';
import { authed, createTenant, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { parseCsv } from './report/csv';
import { download, getJson, seedDojo, seedPocs, waitForJob } from './testing';

let app: TestNode;
let acme: TestTenant;
const YEAR = new Date().getUTCFullYear() - 1;
const at = (month: number, day: number, hour = 12) => new Date(Date.UTC(YEAR, month - 1, day, hour));

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc', 'render', 'jobs'], env: { YEARLY_SCHEDULE_ENABLED: 'false' } });
  acme = await createTenant(app, { members: 1 });
  const db = app.node.infra.database!;
  const [member] = acme.members;
  await seedPocs(db, acme.tenantId, acme.admin.userId, [
    { name: 'Edge cache', language: 'TypeScript', tags: ['web', 'api'], frameworks: ['Express'], created: at(1, 3) },
    { name: 'Log shipper', language: 'Go', tags: ['cli'], created: at(1, 20) },
    { name: 'Form kit', language: 'typescript', tags: ['Web'], created: at(3, 9) },
    { name: 'Last year', language: 'Java', tags: ['web'], created: new Date(Date.UTC(YEAR - 1, 11, 31, 23)) },
  ]);
  await seedPocs(db, acme.tenantId, member!.userId, [
    // Its tag needs quoting in CSV and must not run as a spreadsheet formula.
    { name: 'New year eve', language: 'Rust', tags: ['=danger, "quoted"'], created: new Date(Date.UTC(YEAR, 11, 31, 23, 30)) },
    { name: 'Summer', language: 'TypeScript', created: at(6, 1) },
  ]);
  await seedDojo(db, acme.tenantId, acme.admin.userId, { subject: 'Kata: bowling, "classic"', date: at(4, 2), minutes: 90, participants: [acme.admin.userId, member!.userId] });
});

test.after.always(async () => {
  await app?.stop();
});

const post = (path: string, token: string, body: unknown) => fetch(`${app.url}${path}`, { method: 'POST', headers: authed(token), body: JSON.stringify(body) });

async function report(body: Record<string, unknown>, kind = 'anual', tenant = acme): Promise<{ id: string; view: Record<string, unknown> }> {
  const res = await post(`/v1/report/${kind}`, tenant.admin.token, body);
  if (res.status !== 202) throw new Error(`report request -> ${res.status}: ${await res.text()}`);
  const { report_id: id } = (await res.json()) as { report_id: string };
  return { id, view: await waitForJob(`${app.url}/v1/reports/${id}`, tenant.admin.token) };
}

/** section -> row -> field -> value, from the long CSV. */
function figures(csv: string): Map<string, Array<Record<string, string>>> {
  const [header, ...records] = parseCsv(csv);
  const out = new Map<string, Array<Record<string, string>>>();
  if (header?.join(',') !== 'section,row,field,value') throw new Error(`unexpected CSV header ${header?.join(',')}`);
  for (const [section, row, field, value] of records) {
    const rows = out.get(section!) ?? [];
    const index = Number(row) - 1;
    rows[index] = { ...rows[index], [field!]: value! };
    out.set(section!, rows);
  }
  return out;
}

function assertAnnualFigures(t: import('ava').ExecutionContext, csv: string): void {
  const f = figures(csv);
  t.like(f.get('summary')?.[0], { pocs: '5', authors: '2', languages: '3', dojos: '1', dojo_participants: '2', dojo_minutes: '90', videos: '0' });
  t.deepEqual(
    f.get('pocs_per_month')?.map((r) => Number(r.pocs)),
    [2, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1],
  );
  t.deepEqual(f.get('languages'), [
    { language: 'TypeScript', pocs: '3' },
    { language: 'Go', pocs: '1' },
    { language: 'Rust', pocs: '1' },
  ]);
  // "web" and "Web" are one tag (matched by key), shown in one of the forms users wrote.
  t.like(f.get('tags')?.[0], { pocs: '2' });
  t.is(f.get('tags')?.[0]?.tag?.toLowerCase(), 'web');
  t.true(f.get('tags')?.some((r) => r.tag === `'=danger, "quoted"` && r.pocs === '1'));
  t.deepEqual(f.get('frameworks'), [{ framework: 'Express', pocs: '1' }]);
  t.like(f.get('users'), [
    { username: acme.admin.username, pocs: '3', dojos: '1' },
    { username: acme.members[0]!.username, pocs: '2', dojos: '1' },
  ]);
  t.like(f.get('dojos'), [{ subject: 'Kata: bowling, "classic"', participants: '2', minutes: '90' }]);
}

/** The CSV pdfkit attached to the PDF (a FlateDecode stream), found without a PDF library. */
function attachedCsv(pdf: Buffer): string {
  const text = pdf.toString('latin1');
  for (const match of text.matchAll(/stream\r?\n/g)) {
    const start = match.index! + match[0].length;
    const end = text.indexOf('endstream', start);
    try {
      const body = inflateSync(pdf.subarray(start, end)).toString('utf8');
      if (body.replace(/^\ufeff/, '').startsWith('section,row,field,value')) return body;
    } catch {
      // Not a deflated stream, or not this one.
    }
  }
  throw new Error('no CSV attached to the PDF');
}

test('an annual PDF report is queued, completes, and downloads through a pre-signed URL with the tenant figures', async (t) => {
  const { id, view } = await report({ year: YEAR, format: 'pdf' });
  t.like(view, { id, type: 'ANNUAL', year: YEAR, format: 'pdf', status: 'COMPLETED', progress: 100, error: null });
  t.true(typeof view.url === 'string');
  const file = await download(`${app.url}/v1/reports/${id}/download`, acme.admin.token);
  t.regex(file.redirect, new RegExp(`tenants/${acme.tenantId}/reports/${id}\\.pdf`));
  t.is(file.type, 'application/pdf');
  t.is(file.bytes.subarray(0, 5).toString(), '%PDF-');
  t.true(file.bytes.subarray(-8).toString().includes('%%EOF'));
  assertAnnualFigures(t, attachedCsv(file.bytes));
  const listed = await getJson(`${app.url}/v1/reports`, acme.admin.token);
  t.true((listed.body.items as Array<{ id: string }>).some((r) => r.id === id));
});

test('the CSV report parses back to the same numbers (RFC 4180 quoting, no formulas)', async (t) => {
  const { id, view } = await report({ year: YEAR, format: 'csv' });
  t.is(view.status, 'COMPLETED');
  const file = await download(`${app.url}/v1/reports/${id}/download`, acme.admin.token);
  t.regex(file.type ?? '', /^text\/csv/);
  const csv = file.bytes.toString('utf8');
  t.true(csv.includes('\r\n'));
  t.true(csv.includes(`"'=danger, ""quoted"""`));
  assertAnnualFigures(t, csv);
});

test('the HTML report is one self-contained page', async (t) => {
  const { id } = await report({ year: YEAR, format: 'html' });
  const html = (await download(`${app.url}/v1/reports/${id}/download`, acme.admin.token)).bytes.toString('utf8');
  t.true(html.startsWith('<!DOCTYPE html>'));
  t.true(html.includes(`Relatório anual ${YEAR}`), 'pt-BR, the tenant default');
  t.true(html.includes('<html lang="pt-BR">'));
  t.true(html.includes('<svg'));
  t.true(html.includes('Kata: bowling, &#34;classic&#34;'));
  t.notRegex(html, /<(script|link|img)\b|src=|@import|url\(/i);
});

test('the billing report lists the plan and payments', async (t) => {
  const pay = await fetch(`${app.url}/v1/payment`, {
    method: 'POST',
    headers: { ...authed(acme.admin.token), 'idempotency-key': `k-${Date.now()}` },
    body: JSON.stringify({ tenant_id: acme.tenantId, total: 99.9, payment_gateway: 'sandbox', plan: 'M' }),
  });
  t.is(pay.status, 200);
  const { id, view } = await report({ format: 'csv' }, 'billing');
  t.like(view, { type: 'BILLING', year: null, status: 'COMPLETED' });
  const f = figures((await download(`${app.url}/v1/reports/${id}/download`, acme.admin.token)).bytes.toString('utf8'));
  t.like(f.get('plan')?.[0], { plan: 'Mensal', price: '99.90', active: 'sim' });
  t.like(f.get('payments'), [{ total: '99.90', status: 'APPROVED', gateway: 'sandbox' }]);
  const pdf = await report({}, 'billing');
  t.like(pdf.view, { format: 'pdf', status: 'COMPLETED' });
});

test('a pt-BR billing PDF reads R$ and comma decimals (pdftotext)', async (t) => {
  const tenant = await createTenant(app);
  const db = app.node.infra.database!;
  await db.withTenant(tenant.tenantId, async () => {
    const q = (sql: string, bind: unknown[]) => db.sequelize.query(sql, { bind, type: QueryTypes.SELECT });
    await q(`UPDATE billing SET plan = 'Y', price = 1234.56, currency = 'BRL', expiration = now() + interval '300 days', autorenew = true WHERE tenant_id = $1 RETURNING tenant_id`, [tenant.tenantId]);
    await q(
      `INSERT INTO payments (id, tenant_id, user_id, total, currency, payment_gateway, plan, status, idempotency_key, request_hash)
       VALUES ($1, $2, $3, 1234.56, 'BRL', 'sandbox', 'Y', 'APPROVED', 'k1', repeat('0', 64)) RETURNING id`,
      [randomUUID(), tenant.tenantId, tenant.admin.userId],
    );
  });
  const { id } = await report({ format: 'pdf' }, 'billing', tenant);
  const pdf = (await download(`${app.url}/v1/reports/${id}/download`, tenant.admin.token)).bytes;
  const child = promisify(execFile)('pdftotext', ['-enc', 'UTF-8', '-', '-']);
  child.child.stdin!.end(pdf);
  const text = (await child).stdout.replace(/\u00a0/g, ' ');
  t.true(text.includes('Relatório de cobrança'), text);
  t.true(text.includes('R$ 1.234,56'), text);
  t.true(text.includes('Anual'));
  t.notRegex(text, /1,234\.56/);
});

test('unknown formats and years, non-admins and other tenants are refused', async (t) => {
  const bad = async (body: unknown, field: string) => {
    const res = await post('/v1/report/anual', acme.admin.token, body);
    t.is(res.status, 422);
    t.like(await res.json(), { error: { code: 'VALIDATION_ERROR', fields: [{ field }] } });
  };
  await bad({ format: 'docx' }, 'format');
  await bad({ year: 1999 }, 'year');
  await bad({ year: new Date().getUTCFullYear() + 1 }, 'year');
  await bad({ year: 'last' }, 'year');
  t.is((await post('/v1/report/billing', acme.admin.token, { format: 'xlsx' })).status, 422);
  t.is((await post('/v1/report/anual', acme.members[0]!.token, {})).status, 403);
  t.is((await post('/v1/report/anual', acme.admin.token, { tenant_id: '00000000-0000-4000-8000-000000000000' })).status, 404);
});

test("another tenant's or another user's report is 404, and a completed one cannot be cancelled", async (t) => {
  const { id } = await report({ year: YEAR, format: 'csv' });
  const other = await createTenant(app, { members: 0 });
  for (const path of [`/v1/reports/${id}`, `/v1/reports/${id}/download`]) {
    t.is((await getJson(`${app.url}${path}`, other.admin.token)).status, 404);
    t.is((await getJson(`${app.url}${path}`, acme.members[0]!.token)).status, 404);
  }
  t.is((await post(`/v1/reports/${id}/cancel`, other.admin.token, {})).status, 404);
  // Completed: too late to cancel.
  t.is((await post(`/v1/reports/${id}/cancel`, acme.admin.token, {})).status, 409);
});
