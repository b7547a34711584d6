import { createHash, randomBytes, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { HashPool, HashPoolSaturatedError } from '../../infra/hash/HashPool';
import { ServiceBusyError } from '../../infra/errors';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's password storage cheat sheet lists equivalent scrypt settings (N=2^17,r=8,p=1 down to
 * N=2^13,r=8,p=10). Measured on this project's 2-core machine, N=2^17 costs ~130 ms and
 * N=2^14,r=8,p=5 ~55 ms with 16 MiB per hash: the cheapest listed row here, so login stays at
 * ~50 ms and one hash per core (the hashing pool) needs 16 MiB each, not 128.
 */
export const OWASP_SCRYPT: ScryptParams = { N: 2 ** 14, r: 8, p: 5 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

async function derive(pool: HashPool, password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // maxmem must exceed 128 * N * r, or OpenSSL refuses the parameters.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  try {
    // NFC so the same password typed on two keyboards hashes alike.
    return await pool.scrypt({ password: password.normalize('NFC'), salt, keyLength: KEY_LENGTH, options });
  } catch (error) {
    // A full pool is load, not a fault: the client is told at once when to come back.
    if (error instanceof HashPoolSaturatedError) throw new ServiceBusyError(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    throw error;
  }
}

/**
 * scrypt from node:crypto (no native dependency), stored as `scrypt$N$r$p$salt$key` so the
 * parameters can be raised later: old hashes still verify and are upgraded on the next login.
 * Every hash runs on `pool`: past its queue limit, hash and verify throw ServiceBusyError (503).
 */
export class Passwords {
  readonly #params: ScryptParams;
  readonly #pool: HashPool;
  #dummy: Promise<string> | undefined;

  constructor(params: ScryptParams = OWASP_SCRYPT, pool: HashPool = new HashPool()) {
    this.#params = params;
    this.#pool = pool;
    this.#dummy = this.#newDummy();
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await derive(this.#pool, password, salt, this.#params);
    const { N, r, p } = this.#params;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    const parsed = parse(encoded);
    if (!parsed) return false;
    const key = await derive(this.#pool, password, parsed.salt, parsed.params);
    return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  }

  /** Spends the time of a real verification, so an unknown username answers as slowly as a known one. */
  async burn(password: string): Promise<void> {
    await this.verify(password, await (this.#dummy ??= this.#newDummy()));
  }

  // A dummy that could not be made (pool shed or closed) is made again next time, not kept broken.
  #newDummy(): Promise<string> {
    const dummy = this.hash(randomBytes(16).toString('hex'));
    dummy.catch(() => {
      if (this.#dummy === dummy) this.#dummy = undefined;
    });
    return dummy;
  }

  needsRehash(encoded: string): boolean {
    const parsed = parse(encoded);
    return !parsed || parsed.params.N !== this.#params.N || parsed.params.r !== this.#params.r || parsed.params.p !== this.#params.p;
  }
}

function parse(encoded: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return undefined;
  return { params: { N, r, p }, salt: Buffer.from(parts[4] as string, 'base64'), key: Buffer.from(parts[5] as string, 'base64') };
}

/** A random opaque token for a client, and the digest the database keeps instead of it. */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: digestToken(token) };
}

/** SHA-256 is enough for 256-bit random tokens: there is nothing to brute-force. */
export function digestToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
