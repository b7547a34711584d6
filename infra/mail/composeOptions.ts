import type { SendMailOptions } from 'nodemailer';
import type { MailMessage } from './types';

/**
 * The one mapping from our message to nodemailer's, shared by both mailers so an .eml in the
 * outbox is exactly what SMTP would have carried.
 */
export function composeOptions(from: string, msg: MailMessage): SendMailOptions {
  if (typeof msg.to !== 'string' || msg.to.trim() === '') throw new TypeError('mail needs a recipient');
  return { from, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html };
}
