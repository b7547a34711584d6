import test from 'ava';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMailer } from './createMailer';
import { startFakeSmtpServer } from './fakeSmtpServer';
import { OutboxMailer } from './OutboxMailer';
import { SmtpMailer } from './SmtpMailer';

const from = 'pocdojo <no-reply@pocdojo.test>';
let dataDir: string;

test.before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'pocdojo-mail-'));
});
test.after.always(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

interface Parsed {
  headers: Map<string, string>;
  body: string;
}

/** Minimal RFC 5322 reader: CRLF lines, unfolded headers, a blank line, then the body. */
function parseMessage(raw: string): Parsed {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error('no header/body separator');
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`bad header line: ${line}`);
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4) };
}

/** The parts of a multipart body, each parsed like a message. */
function parts(message: Parsed): Parsed[] {
  const boundary = /boundary="?([^";]+)"?/.exec(message.headers.get('content-type') ?? '')?.[1];
  if (!boundary) throw new Error('not multipart');
  return message.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => parseMessage(part.replace(/^\r\n/, '')));
}

test('OutboxMailer writes a parseable .eml with the subject and the body', async (t) => {
  const dir = path.join(dataDir, 'plain');
  const mailer = createMailer({ dataDir: dir, from });
  t.true(mailer instanceof OutboxMailer);
  const { id } = await mailer.send({ to: 'ada@example.com', subject: 'Confirm your account', text: 'Your token is 12345.\nWelcome!' });
  await mailer.close();
  await mailer.close();

  const files = await readdir(path.join(dir, 'outbox'));
  t.is(files.length, 1);
  t.regex(files[0], /\.eml$/);
  const raw = await readFile(path.join(dir, 'outbox', files[0]), 'utf8');
  t.false(/[^\r]\n/.test(raw), 'every line ends in CRLF');
  const msg = parseMessage(raw);
  t.is(msg.headers.get('subject'), 'Confirm your account');
  t.is(msg.headers.get('to'), 'ada@example.com');
  t.is(msg.headers.get('from'), from);
  t.is(msg.headers.get('message-id'), id);
  t.truthy(msg.headers.get('date'));
  t.is(msg.body.trim(), 'Your token is 12345.\r\nWelcome!');
});

test('OutboxMailer: html mail is multipart/alternative; names are unique; non-ASCII subjects are encoded', async (t) => {
  const dir = path.join(dataDir, 'html');
  const mailer = new OutboxMailer({ dataDir: dir, from });
  const sent = await Promise.all([1, 2, 3].map((n) => mailer.send({ to: 'bo@example.com', subject: `Réunion n°${n}`, text: `plain ${n}`, html: `<p>rich ${n}</p>` })));
  await mailer.close();
  await t.throwsAsync(mailer.send({ to: 'x@example.com', subject: 's', text: 't' }), { message: /closed/ });

  t.is(new Set(sent.map((s) => s.id)).size, 3);
  const files = (await readdir(mailer.outboxDir)).filter((f) => f.endsWith('.eml'));
  t.is(files.length, 3);
  const msg = parseMessage(await readFile(path.join(mailer.outboxDir, files[0]), 'utf8'));
  t.regex(msg.headers.get('subject')!, /^=\?UTF-8\?[QB]\?/);
  t.regex(msg.headers.get('content-type')!, /^multipart\/alternative/);
  const [text, html] = parts(msg);
  t.regex(text.headers.get('content-type')!, /^text\/plain/);
  t.regex(text.body, /plain \d/);
  t.regex(html.headers.get('content-type')!, /^text\/html/);
  t.regex(html.body, /<p>rich \d<\/p>/);
});

test('a message without a recipient is refused before anything is written', async (t) => {
  const mailer = new OutboxMailer({ dataDir: path.join(dataDir, 'none'), from });
  await t.throwsAsync(mailer.send({ to: ' ', subject: 's', text: 't' }), { instanceOf: TypeError });
  await mailer.close();
});

test('SmtpMailer delivers over SMTP to a listening server', async (t) => {
  const smtp = await startFakeSmtpServer();
  const mailer = createMailer({ smtpUrl: smtp.url, dataDir, from });
  try {
    t.true(mailer instanceof SmtpMailer);
    const { id } = await mailer.send({ to: 'ada@example.com', subject: 'Dojo starts soon', text: '.dotted line\nsecond line' });
    const mail = await smtp.next();
    t.is(mail.from, 'no-reply@pocdojo.test');
    t.deepEqual(mail.to, ['ada@example.com']);
    const msg = parseMessage(mail.data);
    t.is(msg.headers.get('subject'), 'Dojo starts soon');
    t.is(msg.headers.get('message-id'), id);
    t.is(msg.body.trim(), '.dotted line\r\nsecond line');
  } finally {
    await mailer.close();
    await mailer.close();
    await smtp.close();
  }
});

test('SmtpMailer rejects when the server is unreachable', async (t) => {
  const smtp = await startFakeSmtpServer();
  await smtp.close();
  const mailer = new SmtpMailer({ smtpUrl: smtp.url, from });
  await t.throwsAsync(mailer.send({ to: 'ada@example.com', subject: 's', text: 't' }), { code: 'ESOCKET' });
  await mailer.close();
});
