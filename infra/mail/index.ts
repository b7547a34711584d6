export type { MailMessage, Mailer } from './types';
export { createMailer, type MailerConfig } from './createMailer';
export { OutboxMailer, type OutboxMailerOptions } from './OutboxMailer';
export { SmtpMailer, type SmtpMailerOptions } from './SmtpMailer';
