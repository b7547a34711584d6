import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type StreamTransport from 'nodemailer/lib/stream-transport';
import { composeOptions } from './composeOptions';
import type { Logger } from '../logger';
import type { MailMessage, Mailer } from './types';

export interface OutboxMailerOptions {
  dataDir: string;
  from: string;
  logger?: Logger;
}

/**
 * The embedded default: each message becomes an RFC 5322 file in <dataDir>/outbox, built by
 * nodemailer's own composer so headers and MIME structure are the real thing.
 */
export class OutboxMailer implements Mailer {
  readonly #transport: Transporter<StreamTransport.SentMessageInfo>;
  readonly #dir: string;
  readonly #from: string;
  readonly #logger: Logger | undefined;
  #closed = false;

  constructor(options: OutboxMailerOptions) {
    this.#dir = path.join(options.dataDir, 'outbox');
    this.#from = options.from;
    this.#logger = options.logger;
    this.#transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  }

  /** Path of the folder the .eml files go to. */
  get outboxDir(): string {
    return this.#dir;
  }

  async send(msg: MailMessage): Promise<{ id: string }> {
    if (this.#closed) throw new Error('OutboxMailer is closed');
    const info = await this.#transport.sendMail(composeOptions(this.#from, msg));
    await mkdir(this.#dir, { recursive: true });
    // Time first so a listing sorts by sending order; the UUID keeps same-millisecond sends apart.
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`;
    const file = path.join(this.#dir, name);
    // Write then rename, so anything watching the outbox never reads a half-written message.
    const partial = path.join(this.#dir, `.${name}.partial`);
    // buffer: true above makes the message a Buffer, not a stream.
    await writeFile(partial, toCrlf(info.message as Buffer));
    await rename(partial, file);
    this.#logger?.info({ messageId: info.messageId, file }, 'mail: written to outbox');
    return { id: info.messageId };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.close();
  }
}

// RFC 5322 lines end in CRLF. nodemailer writes headers that way but copies 7bit bodies as
// given; SMTP would fix bare LFs in transit, so the file is fixed here to match what a server
// receives. (nodemailer's per-message `newline` option is missing from its typings and leaves
// lone CRs.) latin1 maps bytes one to one, so nothing but line ends changes.
function toCrlf(message: Buffer): Buffer {
  return Buffer.from(message.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}
