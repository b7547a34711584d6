import { Emitter } from './events';
import { PocdojoError } from './errors';
import type { TokenPair } from './routes';

/** A logged-in user's credentials. `expiresAt` (ms since epoch) is when the access token dies. */
export interface Credentials {
  userId: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export type AuthEvents = {
  /** New credentials (login, refresh) or none (logout, session ended): persist them here. */
  changed: [Credentials | undefined];
  /** The server refused the refresh token: the login session is over, log in again. */
  ended: [PocdojoError];
};

export function credentialsOf(pair: TokenPair, now: number): Credentials {
  return { userId: pair.userId, accessToken: pair.token, refreshToken: pair.refreshToken, expiresAt: now + pair.expiresIn * 1000 };
}

/**
 * The credentials and their refresh. Refresh tokens rotate and the server ends the whole login
 * session when a rotated one is presented again, so two refreshes must never race: every caller
 * shares the one in flight, and a caller whose token was already replaced gets the new one
 * instead of refreshing again.
 */
export class Auth extends Emitter<AuthEvents> {
  #credentials: Credentials | undefined;
  #inFlight: Promise<Credentials> | undefined;

  constructor(
    private readonly exchange: (refreshToken: string) => Promise<TokenPair>,
    private readonly now: () => number = Date.now,
    initial?: Credentials,
  ) {
    super();
    this.#credentials = initial;
  }

  get credentials(): Credentials | undefined {
    return this.#credentials;
  }

  set(credentials: Credentials | undefined): void {
    this.#credentials = credentials;
    this.emit('changed', credentials);
  }

  /**
   * A usable access token: the current one, or a refreshed one when it expires within
   * `marginMs` (a request sent with a token about to die would only come back 401).
   */
  async accessToken(marginMs = 30_000): Promise<string> {
    const current = this.#require();
    if (current.expiresAt - marginMs > this.now()) return current.accessToken;
    return (await this.refresh(current.accessToken)).accessToken;
  }

  /**
   * Refreshes, once for everyone. Given the access token a refused request carried (`stale`),
   * it does nothing when that token was already replaced: the caller just retries with the new one.
   */
  refresh(stale?: string): Promise<Credentials> {
    const current = this.#require();
    if (stale !== undefined && current.accessToken !== stale) return Promise.resolve(current);
    this.#inFlight ??= this.#exchange(current.refreshToken).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #exchange(refreshToken: string): Promise<Credentials> {
    let pair: TokenPair;
    try {
      pair = await this.exchange(refreshToken);
    } catch (error) {
      // Refused (expired, revoked, reused): no retry can help. A network error may: keep the credentials.
      if (error instanceof PocdojoError && (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN')) {
        this.#credentials = undefined;
        this.emit('changed', undefined);
        this.emit('ended', error);
      }
      throw error;
    }
    const next = credentialsOf(pair, this.now());
    this.set(next);
    return next;
  }

  #require(): Credentials {
    if (!this.#credentials) throw new PocdojoError('SESSION_ENDED', 'Not logged in');
    return this.#credentials;
  }
}
