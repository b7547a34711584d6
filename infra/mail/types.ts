export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Outgoing mail: SMTP in production, .eml files in DATA_DIR/outbox by default (DESIGN.md §3). */
export interface Mailer {
  /** Resolves once the message is handed over (SMTP accepted it / the file is written). */
  send(msg: MailMessage): Promise<{ id: string }>;
  /** Safe to call twice. */
  close(): Promise<void>;
}
