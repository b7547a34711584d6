import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestNode } from './node';

export interface TestUser {
  userId: string;
  tenantId: string;
  username: string;
  password: string;
  token: string;
  refreshToken: string;
  role: 'admin' | 'facilitator' | 'member';
}

export interface TestTenant {
  tenantId: string;
  slug: string;
  admin: TestUser;
  members: TestUser[];
  facilitators: TestUser[];
}

/** Headers of an authenticated JSON request. */
export function authed(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const PASSWORD = 'Correct-Horse-Battery-9';

function suffix(): string {
  return randomBytes(4).toString('hex');
}

async function call<T>(app: TestNode, method: string, route: string, body?: unknown, headers: Record<string, string> = JSON_HEADERS): Promise<T> {
  const res = await fetch(`${app.url}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} -> ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/**
 * A confirmed tenant with its admin, members and facilitators, all logged in. It goes through
 * REST only, as a client would: sign-up, the confirmation mail in the outbox, confirm, login.
 */
export async function createTenant(app: TestNode, opts: { members?: number; facilitators?: number; slug?: string; membership?: 'open' | 'invite' } = {}): Promise<TestTenant> {
  const slug = opts.slug ?? `t-${suffix()}`;
  const adminName = `adm${suffix()}`;
  const signup = await call<{ tenant_id: string; admin_user_id: string }>(app, 'POST', '/v1/tenants', {
    name: `Tenant ${slug}`,
    slug,
    admin: { firstName: 'Ada', lastName: 'Admin', email: `${adminName}@mail.test`, username: adminName, password: PASSWORD },
  });
  await confirm(app, `${adminName}@mail.test`);
  const admin = await login(app, slug, signup.tenant_id, adminName, 'admin');
  // New tenants admit members by invitation only; most tests register people by slug, as an open tenant allows.
  if ((opts.membership ?? 'open') === 'open') await call(app, 'PUT', '/v1/tenant', { settings: { membership: 'open' } }, authed(admin.token));
  // Accounts are independent of each other, so they are made side by side.
  const members = await Promise.all(Array.from({ length: opts.members ?? 0 }, () => createMember(app, slug, signup.tenant_id, 'mem')));
  const facilitators = await Promise.all(
    Array.from({ length: opts.facilitators ?? 0 }, async () => {
      const user = await createMember(app, slug, signup.tenant_id, 'fac');
      await call(app, 'PUT', `/v1/users/${user.userId}/role`, { role: 'facilitator' }, authed(admin.token));
      // A token carries the role it was issued with: log in again to get one with the new role.
      return login(app, slug, signup.tenant_id, user.username, 'facilitator');
    }),
  );
  return { tenantId: signup.tenant_id, slug, admin, members, facilitators };
}

async function createMember(app: TestNode, slug: string, tenantId: string, prefix: string): Promise<TestUser> {
  const username = `${prefix}${suffix()}`;
  const email = `${username}@mail.test`;
  await call(app, 'POST', '/v1/account', { tenant: slug, firstName: 'Max', lastName: 'Member', email, username, password: PASSWORD });
  await confirm(app, email);
  return login(app, slug, tenantId, username, 'member');
}

async function confirm(app: TestNode, email: string): Promise<void> {
  // As a person does: the newest mail's link. A later mail (a sign-up the node saw twice on a
  // loaded machine) replaces the token of an earlier one, and may land just after it was read:
  // then its link is the one to follow.
  for (let attempt = 1; ; attempt++) {
    const token = await readConfirmationToken(app, email);
    try {
      await call(app, 'POST', '/v1/account/confirm', { token });
      return;
    } catch (error) {
      if (attempt >= 5 || !/is unknown, expired or already used/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

async function login(app: TestNode, slug: string, tenantId: string, username: string, role: TestUser['role']): Promise<TestUser> {
  const res = await call<{ userId: string; token: string; refreshToken: string }>(app, 'POST', '/v1/login', { tenant: slug, username, password: PASSWORD });
  return { userId: res.userId, tenantId, username, password: PASSWORD, token: res.token, refreshToken: res.refreshToken, role };
}

/**
 * The token of the newest confirmation mail to `email`, read from DATA_DIR/outbox as a person
 * would read the link. Waits briefly, since a mail may land just after the response.
 */
export async function readConfirmationToken(app: TestNode, email: string): Promise<string> {
  const outbox = path.join(app.dataDir, 'outbox');
  const deadline = Date.now() + 5_000;
  for (;;) {
    const token = await newestToken(outbox, email.toLowerCase());
    if (token) return token;
    if (Date.now() > deadline) throw new Error(`no confirmation mail to ${email} in ${outbox}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function newestToken(outbox: string, email: string): Promise<string | undefined> {
  for (const message of (await readOutbox(outbox, email)).reverse()) {
    const match = /token=([A-Za-z0-9_-]+)/.exec(message.body);
    if (match) return match[1];
  }
  return undefined;
}

/** Every mail to `email` in the node's outbox, oldest first (subject and decoded body). */
export function mailsTo(app: TestNode, email: string): Promise<Array<{ subject: string; body: string }>> {
  return readOutbox(path.join(app.dataDir, 'outbox'), email.toLowerCase());
}

async function readOutbox(outbox: string, email: string): Promise<Array<{ to: string; subject: string; body: string }>> {
  const names = await readdir(outbox).catch(() => [] as string[]);
  const messages = [];
  // File names start with an ISO time, so the newest sorts last.
  for (const name of names.filter((n) => n.endsWith('.eml')).sort()) {
    const message = parseEml(await readFile(path.join(outbox, name), 'latin1'));
    if (message.to.toLowerCase().includes(email)) messages.push(message);
  }
  return messages;
}

/** Just enough of RFC 5322/MIME to read our own single-part text mail or its text part. */
function parseEml(raw: string): { to: string; subject: string; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const to = /^to:\s*(.*)$/im.exec(head)?.[1] ?? '';
  const subject = decodeWords(/^subject:\s*(.*)$/im.exec(head)?.[1] ?? '');
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(head)?.[1]?.toLowerCase();
  let body = raw.slice(split + 4);
  // The file was read as latin1 (one char a byte): the decoded bytes are read again as UTF-8.
  if (encoding === 'quoted-printable') body = utf8(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
  else if (encoding === 'base64') body = Buffer.from(body, 'base64').toString('utf8');
  // A multipart mail keeps each part's encoding in the part; decoding the quoted-printable
  // escapes over the whole body is harmless for the token's alphabet.
  else body = body.replace(/=\r\n/g, '').replace(/=3D/gi, '=');
  return { to, subject, body };
}

const utf8 = (bytes: string) => Buffer.from(bytes, 'latin1').toString('utf8');

/** RFC 2047 encoded words (=?UTF-8?Q?...?= or ?B?), as a subject in pt-BR arrives. */
function decodeWords(header: string): string {
  return header
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : utf8(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16)))),
    );
}

/** One JSON request as a client makes it (with a token, or public without one): the status and parsed body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers loosely; the gateway checks them
export async function request<T = any>(app: TestNode, method: string, route: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${app.url}${route}`, { method, headers: token ? authed(token) : JSON_HEADERS, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as T) : (undefined as T) };
}

/** The fields a 4xx answer names, sorted. */
export function fieldsOf(body: unknown): string[] {
  return ((body as { error?: { fields?: Array<{ field: string }> } }).error?.fields ?? []).map((f) => f.field).sort();
}

/** The token of the newest mail to `email` whose subject matches, waiting briefly for it to land. */
export async function tokenFromMail(app: TestNode, email: string, subject: RegExp): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const mail = (await mailsTo(app, email)).reverse().find((m) => subject.test(m.subject));
    const token = mail && /token=([A-Za-z0-9_-]+)/.exec(mail.body)?.[1];
    if (token) return token;
    if (Date.now() > deadline) throw new Error(`no mail "${subject.source}" to ${email}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
