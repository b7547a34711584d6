import type { Mailer } from '../../infra/mail';

/** Confirmation tokens die after a day: long enough to find the mail, short enough to be stale. */
export const CONFIRMATION_TTL_MS = 24 * 60 * 60 * 1000;

/** The account confirmation message; the link opens the console's landing page (clients/console), which posts `token=` back. */
export class ConfirmationMail {
  constructor(
    readonly mailer: Mailer,
    readonly publicUrl: string,
  ) {}

  async send(to: { email: string; firstName: string; tenantName: string }, token: string): Promise<void> {
    const link = `${this.publicUrl.replace(/\/$/, '')}/console/confirm?token=${token}`;
    // Short lines keep the body 7-bit clean, so the link is readable as is in any mail client.
    await this.mailer.send({
      to: to.email,
      subject: `Confirm your ${to.tenantName} account on pocdojo`,
      text: [
        `Hello ${to.firstName},`,
        '',
        'Confirm your account by opening this link:',
        link,
        '',
        'The link works once and expires in 24 hours.',
        'If you did not sign up, ignore this mail.',
        '',
      ].join('\n'),
    });
  }
}
