import type { Mailer } from '../../infra/mail';

/** What one kind of link mail says; the link itself is `<public url>/<path>?token=<token>`. */
export interface LinkMailText {
  subject: string;
  /** Lines before the link. */
  intro: string[];
  path: string;
  /** Lines after it: how long it works, what to do if the mail was not expected. */
  outro: string[];
}

/**
 * A mail carrying a single-use link (invitation, password reset, new address): the link holds
 * `token=` for the client app to post back, and short lines keep the body 7-bit clean.
 */
export class LinkMail {
  constructor(
    readonly mailer: Mailer,
    readonly publicUrl: string,
  ) {}

  async send(to: string, greeting: string, text: LinkMailText, token: string): Promise<void> {
    const link = `${this.publicUrl.replace(/\/$/, '')}/${text.path}?token=${token}`;
    await this.mailer.send({ to, subject: text.subject, text: [greeting, '', ...text.intro, link, '', ...text.outro, ''].join('\n') });
  }
}
