/**
 * What pino blanks out of every log line (its `redact` option, set in moleculer.config.ts):
 * credentials (passwords, tokens, authorization headers, secrets) and personal data (emails),
 * at the top of a logged object and up to two levels down (`{ params: { password } }`,
 * `{ err: { data: { email } } }`), which covers what the services log: params, metas, errors.
 * Paths name exact keys (pino compiles them once), so a field is redacted wherever it appears
 * at those depths, whatever the message.
 */
const KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'authorization',
  'cookie',
  'jwtSecret',
  'secret',
  'secretAccessKey',
  'email',
  'password_hash',
  'passwordHash',
];

export const LOG_REDACT_PATHS: string[] = KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export const LOG_REDACT_CENSOR = '[redacted]';
