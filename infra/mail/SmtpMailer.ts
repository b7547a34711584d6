import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { composeOptions } from './composeOptions';
import type { Logger } from '../logger';
import type { MailMessage, Mailer } from './types';

export interface SmtpMailerOptions {
  /** SMTP_URL, e.g. smtps://user:pass@smtp.example.com:465 (nodemailer's URL syntax, ?pool=true etc.). */
  smtpUrl: string;
  from: string;
  logger?: Logger;
}

/** Sends through an SMTP server with nodemailer. */
export class SmtpMailer implements Mailer {
  readonly #transport: Transporter<SMTPTransport.SentMessageInfo>;
  readonly #from: string;
  readonly #logger: Logger | undefined;
  #closed = false;

  constructor(options: SmtpMailerOptions) {
    this.#from = options.from;
    this.#logger = options.logger;
    this.#transport = nodemailer.createTransport(options.smtpUrl);
  }

  async send(msg: MailMessage): Promise<{ id: string }> {
    if (this.#closed) throw new Error('SmtpMailer is closed');
    try {
      const info = await this.#transport.sendMail(composeOptions(this.#from, msg));
      this.#logger?.debug({ messageId: info.messageId, response: info.response }, 'mail: sent');
      return { id: info.messageId };
    } catch (err) {
      // The URL is not logged: it carries the SMTP password.
      this.#logger?.warn({ err }, 'mail: smtp send failed');
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.close();
  }
}
