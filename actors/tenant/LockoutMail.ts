import type { Mailer } from '../../infra/mail';
import { textsOf, type MailingTenant } from './texts';

/** Tells an account's owner, once per lockout, that someone is guessing their password. */
export class LockoutMail {
  constructor(readonly mailer: Mailer) {}

  async send(to: { email: string; firstName: string; username: string }, tenant: MailingTenant, lockedMinutes: number): Promise<void> {
    const texts = textsOf(tenant.locale);
    const { subject, lines } = texts.account.lockout({ tenantName: tenant.name, username: to.username, minutes: lockedMinutes });
    await this.mailer.send({ to: to.email, subject, text: [texts.mail.hello(to.firstName), '', ...lines, ''].join('\n') });
  }
}
