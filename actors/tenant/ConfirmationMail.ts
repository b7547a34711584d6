import type { LinkMail } from './LinkMail';
import { textsOf, type MailingTenant } from './texts';

/** Confirmation tokens die after a day: long enough to find the mail, short enough to be stale. */
export const CONFIRMATION_TTL_MS = 24 * 60 * 60 * 1000;

/** The account confirmation message; the link opens the console's landing page (clients/console), which posts `token=` back. */
export class ConfirmationMail {
  constructor(readonly links: LinkMail) {}

  async send(to: { email: string; firstName: string }, tenant: MailingTenant, token: string): Promise<void> {
    const texts = textsOf(tenant.locale);
    await this.links.send(to.email, texts.mail.hello(to.firstName), { ...texts.account.confirmation(tenant.name), path: 'console/confirm' }, token);
  }
}
