import type { Mailer } from '../../infra/mail';

/** Tells an account's owner, once per lockout, that someone is guessing their password. */
export class LockoutMail {
  constructor(readonly mailer: Mailer) {}

  async send(to: { email: string; firstName: string; username: string; tenantName: string }, lockedMinutes: number): Promise<void> {
    await this.mailer.send({
      to: to.email,
      subject: `Sign-in attempts on your ${to.tenantName} account on pocdojo`,
      text: [
        `Hello ${to.firstName},`,
        '',
        `Someone entered wrong passwords for your account "${to.username}" many times.`,
        `For about ${lockedMinutes} minutes, sign-ins are refused from places you never`,
        'signed in from. From your usual device and network you can still sign in.',
        '',
        'If this was not you, nothing has been given away; consider choosing a',
        'longer password.',
        '',
      ].join('\n'),
    });
  }
}
