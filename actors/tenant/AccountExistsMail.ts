import type { Mailer } from '../../infra/mail';

/**
 * Sent instead of a confirmation when someone signs up with an email that already has an
 * account in the tenant: the answer to the sign-up looks the same either way, so only the
 * mailbox's owner learns that the address is registered.
 */
export class AccountExistsMail {
  constructor(
    readonly mailer: Mailer,
    readonly publicUrl: string,
  ) {}

  async send(to: { email: string; firstName: string; username: string; tenantName: string }): Promise<void> {
    await this.mailer.send({
      to: to.email,
      subject: `You already have a ${to.tenantName} account on pocdojo`,
      text: [
        `Hello ${to.firstName},`,
        '',
        'Someone, perhaps you, tried to create a new account with this email address.',
        `It already belongs to your account "${to.username}"; no new account was made.`,
        `Sign in at ${this.publicUrl.replace(/\/$/, '')} instead.`,
        '',
        'If this was not you, ignore this mail.',
        '',
      ].join('\n'),
    });
  }
}
