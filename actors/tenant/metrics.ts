import { Counter, metric } from '../../infra/metrics';

/**
 * Logins by outcome (`ok`, or the refusal's error code: UNAUTHORIZED for a wrong password,
 * RATE_LIMITED for a throttled account or address, FORBIDDEN for an unconfirmed or disabled
 * account, SERVICE_UNAVAILABLE when hashing sheds load). Failed logins are every outcome but `ok`.
 */
const logins = () =>
  metric('pocdojo_logins_total', (registers) => new Counter({ name: 'pocdojo_logins_total', help: 'Login attempts by outcome (ok or the error code)', labelNames: ['outcome'], registers }));

/** Registers the series (scraped from the start, before the first login). */
export function registerLoginMetrics(): void {
  logins();
}

/** Counts one login, then hands its result on untouched. */
export async function countedLogin<T>(attempt: Promise<T>): Promise<T> {
  try {
    const result = await attempt;
    logins().inc({ outcome: 'ok' });
    return result;
  } catch (error) {
    const type = (error as { type?: unknown }).type;
    // Only the protocol's codes become labels; anything else is one bucket, so the series stay few.
    logins().inc({ outcome: typeof type === 'string' && /^[A-Z_]{3,40}$/.test(type) ? type : 'ERROR' });
    throw error;
  }
}
