import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** How long a confirmation mail may take to show up; the tenant actor writes it before it answers. */
const MAIL_WAIT_MS = 5_000;
const POLL_MS = 100;

export class MailNotFoundError extends Error {
  constructor(emails: string, dir: string) {
    super(
      `no confirmation mail to ${emails} appeared in ${dir}.\n` +
        'The demo confirms accounts with the tokens the node writes to DATA_DIR/outbox on embedded defaults: ' +
        "pass --outbox <the node's DATA_DIR>/outbox if it differs. When the node sends mail by SMTP (SMTP_URL), " +
        'confirm the accounts with the links in their mails, then run the demo again: it carries on from there.',
    );
    this.name = 'MailNotFoundError';
  }
}

/**
 * The node's mail outbox (`.eml` files), read as a person would read the link in the mail. A
 * confirmation is taken only from a mail that arrived after `before()`, so a stale token of an
 * earlier run is never used.
 */
export class Outbox {
  constructor(readonly dir: string) {}

  /** The mails already there: what `tokenFor` must not read. */
  async before(): Promise<Set<string>> {
    return new Set(await this.#names());
  }

  async tokenFor(email: string, seen: Set<string>): Promise<string> {
    const deadline = Date.now() + MAIL_WAIT_MS;
    for (;;) {
      for (const name of (await this.#names()).filter((n) => !seen.has(n))) {
        const token = confirmationToken(await readFile(path.join(this.dir, name), 'latin1'), email);
        if (token) return token;
      }
      if (Date.now() > deadline) throw new MailNotFoundError(email, this.dir);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async #names(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.eml'));
  }
}

/**
 * The `token=` of the confirmation link in a mail to `email`. The body is quoted-printable
 * (the link line is long), so soft line breaks are joined and `=3D` read back as `=` first.
 */
export function confirmationToken(raw: string, email: string): string | undefined {
  const headerEnd = raw.indexOf('\r\n\r\n');
  const to = /^to:\s*(.*)$/im.exec(raw.slice(0, headerEnd))?.[1] ?? '';
  if (!to.toLowerCase().includes(email.toLowerCase())) return undefined;
  const body = raw
    .slice(headerEnd + 4)
    .replace(/=\r?\n/g, '')
    .replace(/=3D/gi, '=');
  return /[?&]token=([A-Za-z0-9_-]+)/.exec(body)?.[1];
}
