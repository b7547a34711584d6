import { OutboxMailer } from './OutboxMailer';
import { SmtpMailer } from './SmtpMailer';
import type { Logger } from '../logger';
import type { Mailer } from './types';

export interface MailerConfig {
  /** SMTP_URL; absent means .eml files under <dataDir>/outbox. */
  smtpUrl?: string;
  dataDir: string;
  /** The From address of every message. */
  from: string;
  logger?: Logger;
}

export function createMailer(config: MailerConfig): Mailer {
  if (config.smtpUrl) return new SmtpMailer({ smtpUrl: config.smtpUrl, from: config.from, logger: config.logger });
  return new OutboxMailer({ dataDir: config.dataDir, from: config.from, logger: config.logger });
}
