import { ApiError, tenantOf, type ApiClient } from './api';
import { ADMIN, DEMO_PASSWORD, DOJO, MEMBERS, TENANT_NAME, demoPocs, dojoDate, emailOf, type DemoPerson } from './dataset';
import { MailNotFoundError, type Outbox } from './outbox';

/** The demo cannot go on without a person deciding something (another slug, a disabled account). */
export class DemoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoError';
  }
}

export interface DemoResult {
  slug: string;
  tenantId: string;
  admin: string;
  members: string[];
  password: string;
  /** Demo POCs found on reading back (of the 50 wanted). */
  pocs: number;
  dojo: { id: string; subject: string; date: string; status: string; joinCode: string; participants: number };
  /** What this run had to do; all zero when everything was already there. */
  changed: { accounts: number; confirmations: number; pocs: number; dojos: number };
}

interface UserRow {
  id: string;
  username: string;
  account_status: 'C' | 'A' | 'D';
}
interface DojoRow {
  id: string;
  subject: string;
  dojo_date: string;
  status: string;
  join_code: string;
}

/**
 * Seeds the demo tenant through the node's REST API. Each step reads what is there first and
 * writes only what is missing, so a second run changes nothing and an interrupted one is
 * finished by the next.
 */
export class DemoSeed {
  constructor(
    readonly api: ApiClient,
    readonly outbox: Outbox,
    readonly slug: string,
  ) {}

  async run(): Promise<DemoResult> {
    const changed = { accounts: 0, confirmations: 0, pocs: 0, dojos: 0 };
    const adminToken = await this.#admin(changed);
    const memberIds = await this.#members(adminToken, changed);
    const pocs = await this.#pocs(adminToken, changed);
    const dojo = await this.#dojo(adminToken, memberIds, changed);
    return {
      slug: this.slug,
      tenantId: tenantOf(adminToken),
      admin: ADMIN.username,
      members: MEMBERS.map((m) => m.username),
      password: DEMO_PASSWORD,
      pocs,
      dojo,
      changed,
    };
  }

  /** Logs the admin in, signing the tenant up first when the login says nobody is there. */
  async #admin(changed: DemoResult['changed']): Promise<string> {
    try {
      return await this.#login(ADMIN);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // Signed up by an interrupted run (or by hand) but never confirmed.
      if (error.code === 'FORBIDDEN' && /not confirmed/i.test(error.message)) {
        await this.#resendConfirmation(ADMIN);
        changed.confirmations++;
        return this.#login(ADMIN);
      }
      if (error.code !== 'UNAUTHORIZED') throw error;
    }
    const body = { name: TENANT_NAME, slug: this.slug, admin: { ...ADMIN, email: emailOf(ADMIN), password: DEMO_PASSWORD } };
    await this.#confirmAfter(ADMIN, () => this.api.call('POST', '/v1/tenants', { body })).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'CONFLICT') {
        throw new DemoError(`tenant "${this.slug}" exists, but its admin "${ADMIN.username}" does not log in with the demo password: choose another slug with --slug`);
      }
      throw error;
    });
    changed.accounts++;
    return this.#login(ADMIN);
  }

  /** The members' ids, once each exists and is confirmed. */
  async #members(adminToken: string, changed: DemoResult['changed']): Promise<string[]> {
    const before = await this.#users(adminToken);
    // A new tenant admits members by invitation only; the demo's people sign up by slug themselves.
    if (MEMBERS.some((person) => !before.has(person.username))) {
      await this.api.call('PUT', '/v1/tenant', { token: adminToken, body: { settings: { membership: 'open' } } });
    }
    const unconfirmed: string[] = [];
    for (const person of MEMBERS) {
      const user = before.get(person.username);
      try {
        if (!user) {
          const body = { tenant: this.slug, ...person, email: emailOf(person), password: DEMO_PASSWORD };
          await this.#confirmAfter(person, () => this.api.call('POST', '/v1/account', { body }));
          changed.accounts++;
        } else if (user.account_status === 'C') {
          await this.#resendConfirmation(person);
          changed.confirmations++;
        }
      } catch (error) {
        // Without the mails (SMTP), the other accounts are still made, so one round of
        // confirming by hand and one more run finish the demo.
        if (!(error instanceof MailNotFoundError)) throw error;
        unconfirmed.push(emailOf(person));
      }
    }
    if (unconfirmed.length) throw new MailNotFoundError(unconfirmed.join(', '), this.outbox.dir);
    const after = await this.#users(adminToken);
    return MEMBERS.map((person) => {
      const user = after.get(person.username);
      if (user?.account_status !== 'A') throw new DemoError(`member "${person.username}" is ${user ? 'disabled' : 'missing'}: the demo cannot use this tenant; choose another slug with --slug`);
      return user.id;
    });
  }

  /** Creates the demo POCs not found by name, each by its owner; returns how many are there after. */
  async #pocs(adminToken: string, changed: DemoResult['changed']): Promise<number> {
    const wanted = demoPocs();
    const existing = await this.#pocNames(adminToken);
    const tokens = new Map([[ADMIN.username, adminToken]]);
    for (const { owner, ...body } of wanted.filter((p) => !existing.has(p.name))) {
      let token = tokens.get(owner);
      if (!token) {
        token = await this.#login(MEMBERS.find((m) => m.username === owner)!);
        tokens.set(owner, token);
      }
      await this.api.call('POST', '/v1/pocs', { token, body });
      changed.pocs++;
    }
    const after = await this.#pocNames(adminToken);
    return wanted.filter((p) => after.has(p.name)).length;
  }

  /** The demo dojo, found by its subject; scheduled by the admin, who thereby facilitates it. */
  async #dojo(adminToken: string, memberIds: string[], changed: DemoResult['changed']): Promise<DemoResult['dojo']> {
    let dojo = await this.#findDojo(adminToken);
    if (!dojo) {
      await this.api.call('POST', '/v1/dojo/create', {
        token: adminToken,
        body: { tenant_id: tenantOf(adminToken), dojo_date: dojoDate(), subject: DOJO.subject, language: DOJO.language, members: memberIds },
      });
      changed.dojos++;
      dojo = await this.#findDojo(adminToken);
      if (!dojo) throw new Error('the dojo just created is not listed');
    }
    const detail = await this.api.call<{ participants: unknown[] }>('GET', `/v1/dojos/${dojo.id}`, { token: adminToken });
    return { id: dojo.id, subject: dojo.subject, date: dojo.dojo_date, status: dojo.status, joinCode: dojo.join_code, participants: detail.participants.length };
  }

  async #login(person: DemoPerson): Promise<string> {
    const res = await this.api.call<{ token: string }>('POST', '/v1/login', { body: { tenant: this.slug, username: person.username, password: DEMO_PASSWORD } });
    return res.token;
  }

  /** Runs `send` (which makes the node mail a confirmation) and confirms with the new mail's token. */
  async #confirmAfter(person: DemoPerson, send: () => Promise<unknown>): Promise<void> {
    const seen = await this.outbox.before();
    await send();
    const token = await this.outbox.tokenFor(emailOf(person), seen);
    await this.api.call('POST', '/v1/account/confirm', { body: { token } });
  }

  // An account left unconfirmed by an interrupted run: its first token may be stale or gone,
  // so a fresh one is asked for.
  async #resendConfirmation(person: DemoPerson): Promise<void> {
    await this.#confirmAfter(person, () => this.api.call('POST', '/v1/account/confirm/resend', { body: { tenant: this.slug, email: emailOf(person) } }));
  }

  async #users(adminToken: string): Promise<Map<string, UserRow>> {
    const users = await this.#all<UserRow>('/v1/users', 'users', adminToken, 200);
    return new Map(users.map((u) => [u.username.toLowerCase(), u]));
  }

  async #pocNames(token: string): Promise<Set<string>> {
    const pocs = await this.#all<{ name: string }>('/v1/pocs?sort=name', 'items', token, 100);
    return new Set(pocs.map((p) => p.name));
  }

  async #findDojo(adminToken: string): Promise<DojoRow | undefined> {
    const dojos = await this.#all<DojoRow>('/v1/dojos', 'items', adminToken, 100);
    return dojos.find((d) => d.subject === DOJO.subject);
  }

  /** Every row of a paged list (`limit`/`offset`, with `total`). */
  async #all<T>(path: string, key: string, token: string, limit: number): Promise<T[]> {
    const rows: T[] = [];
    const sep = path.includes('?') ? '&' : '?';
    for (;;) {
      const page = await this.api.call<Record<string, unknown> & { total: number }>('GET', `${path}${sep}limit=${limit}&offset=${rows.length}`, { token });
      const items = page[key] as T[];
      rows.push(...items);
      if (items.length < limit || rows.length >= page.total) return rows;
    }
  }
}
