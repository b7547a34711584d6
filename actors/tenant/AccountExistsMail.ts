import type { Mailer } from '../../infra/mail';
import { textsOf, type MailingTenant } from './texts';

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

  async send(to: { email: string; firstName: string; username: string }, tenant: MailingTenant): Promise<void> {
    const texts = textsOf(tenant.locale);
    const { subject, lines } = texts.account.exists({ tenantName: tenant.name, username: to.username, url: this.publicUrl.replace(/\/$/, '') });
    await this.mailer.send({ to: to.email, subject, text: [texts.mail.hello(to.firstName), '', ...lines, ''].join('\n') });
  }
}
