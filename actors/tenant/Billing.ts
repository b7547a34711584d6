import { createHash, randomUUID } from 'node:crypto';
import { ConflictError, FieldValidationError } from './errors';
import type { PaymentGateway } from './PaymentGateway';
import { iso, type Sql } from '../../infra/db/sql';

export interface PaymentInput {
  tenantId: string;
  userId: string;
  /** What the client expects to pay, if it said; the plan's price is charged either way. */
  total?: number;
  gateway: string;
  plan: 'M' | 'Y';
  autorenew: boolean;
  idempotencyKey: string;
}

export interface PaymentOutcome {
  success: boolean;
  payment_id: string;
  status: 'APPROVED' | 'DECLINED';
  decline_reason?: string;
}

// A PENDING payment older than this was left by a crashed attempt; a retry may finish it,
// safely, because the gateway dedupes on the same idempotency key.
const STALE_PENDING_MS = 15_000;
// A tenant without the setting (none after migration 530, whose default is BRL) bills in BRL.
const CURRENCY = 'BRL';

/** The price of each plan in each currency a tenant may bill in (tenant settings). */
export const PLAN_PRICES: Readonly<Record<'USD' | 'BRL', Readonly<Record<'M' | 'Y', number>>>> = {
  USD: { M: 19.99, Y: 199 },
  BRL: { M: 99.9, Y: 999 },
};

interface PaymentRow {
  id: string;
  request_hash: string;
  status: 'APPROVED' | 'DECLINED' | 'PENDING';
  decline_reason: string | null;
  created: Date;
}

/** Plans and payments: one charge per Idempotency-Key, and the billing row it extends. */
export class Billing {
  constructor(
    readonly sql: Sql,
    readonly gateways: ReadonlyMap<string, PaymentGateway>,
  ) {}

  async pay(request: PaymentInput): Promise<PaymentOutcome> {
    const gateway = this.gateways.get(request.gateway);
    if (!gateway) throw new FieldValidationError([{ field: 'payment_gateway', message: `must be one of: ${[...this.gateways.keys()].join(', ')}` }]);
    // The plan sets the price, in the tenant's currency: a client's total is only checked against it.
    const currency = await this.#currency(request.tenantId);
    const price = PLAN_PRICES[currency][request.plan];
    if (request.total !== undefined && Math.round(request.total * 100) !== Math.round(price * 100)) {
      throw new FieldValidationError([{ field: 'total', message: `must be the plan's price, ${price.toFixed(2)} ${currency} (or be left out)` }]);
    }
    const input = { ...request, total: price, currency };
    const requestHash = createHash('sha256')
      .update(JSON.stringify([input.total.toFixed(2), input.gateway, input.plan, input.autorenew]))
      .digest('hex');
    const claim = await this.#claim(input, requestHash);
    if ('outcome' in claim) return claim.outcome;
    const result = await gateway.charge({
      amountCents: Math.round(input.total * 100),
      currency,
      idempotencyKey: `${input.tenantId}:${input.idempotencyKey}`,
      description: `pocdojo plan ${input.plan}`,
    });
    const reason = result.status === 'DECLINED' ? result.reason : null;
    return this.sql.tenant(input.tenantId, async () => {
      const settled = await this.sql.one<{ id: string }>(
        `UPDATE payments SET status = $3, gateway_ref = $4, decline_reason = $5 WHERE tenant_id = $1 AND id = $2 AND status = 'PENDING' RETURNING id`,
        [input.tenantId, claim.paymentId, result.status, result.reference, reason],
      );
      if (settled && result.status === 'APPROVED') {
        // A renewal before expiry extends from the current expiration, so no paid time is lost.
        await this.sql.rows(
          `INSERT INTO billing (tenant_id, plan, price, currency, expiration, autorenew, updated)
           VALUES ($1, $2, $3, $4, now() + $5::interval, $6, now())
           ON CONFLICT (tenant_id) DO UPDATE SET plan = EXCLUDED.plan, price = EXCLUDED.price, currency = EXCLUDED.currency,
             expiration = greatest(coalesce(billing.expiration, now()), now()) + $5::interval, autorenew = EXCLUDED.autorenew, updated = now()
           RETURNING tenant_id`,
          [input.tenantId, input.plan, input.total, currency, input.plan === 'M' ? '1 month' : '1 year', input.autorenew],
        );
      }
      return { success: result.status === 'APPROVED', payment_id: claim.paymentId, status: result.status, ...(reason ? { decline_reason: reason } : {}) };
    });
  }

  async view(tenantId: string) {
    return this.sql.tenant(tenantId, async () => {
      const row = await this.sql.one<{ plan: 'M' | 'Y' | null; price: string | null; currency: string; expiration: Date | null; autorenew: boolean }>(
        'SELECT plan, price, currency, expiration, autorenew FROM billing WHERE tenant_id = $1',
        [tenantId],
      );
      const payments = await this.sql.rows<{ id: string; total: string; currency: string; plan: 'M' | 'Y'; payment_gateway: string; status: string; created: Date }>(
        'SELECT id, total, currency, plan, payment_gateway, status, created FROM payments WHERE tenant_id = $1 ORDER BY created DESC LIMIT 20',
        [tenantId],
      );
      return {
        tenant_id: tenantId,
        plan: row?.plan ?? null,
        price: row?.price == null ? null : Number(row.price),
        currency: row?.currency ?? CURRENCY,
        expiration: iso(row?.expiration ?? null),
        autorenew: row?.autorenew ?? false,
        active: Boolean(row?.expiration && row.expiration.getTime() > Date.now()),
        payments: payments.map((p) => ({ ...p, total: Number(p.total), created: iso(p.created) as string })),
      };
    });
  }

  /** Records the payment as PENDING under its key, or answers from an earlier attempt with that key. */
  /**
   * Renews the plans of autorenewing tenants that expire within `horizonMs` (or already have),
   * charging the gateway and the payer of their last approved payment. The idempotency key
   * names the expiration being extended, so however often the scheduler runs, on however many
   * nodes, each period is charged once.
   */
  async renewDue(horizonMs: number): Promise<{ renewed: number; declined: number; failed: number }> {
    const due = await this.sql.system(() =>
      this.sql.rows<{ tenant_id: string; plan: 'M' | 'Y'; expiration: Date; user_id: string; payment_gateway: string }>(
        `SELECT b.tenant_id, b.plan, b.expiration, p.user_id, p.payment_gateway
           FROM billing b JOIN tenants t ON t.id = b.tenant_id
           JOIN LATERAL (SELECT user_id, payment_gateway FROM payments
                          WHERE tenant_id = b.tenant_id AND status = 'APPROVED' ORDER BY created DESC, id DESC LIMIT 1) p ON true
          WHERE b.autorenew AND b.plan IS NOT NULL AND b.expiration < now() + $1::bigint * interval '1 millisecond' AND t.status = 'A'`,
        [horizonMs],
      ),
    );
    const tally = { renewed: 0, declined: 0, failed: 0 };
    for (const row of due) {
      try {
        const outcome = await this.pay({
          tenantId: row.tenant_id,
          userId: row.user_id,
          gateway: row.payment_gateway,
          plan: row.plan,
          autorenew: true,
          idempotencyKey: `renew-${row.expiration.toISOString()}`,
        });
        tally[outcome.success ? 'renewed' : 'declined']++;
      } catch {
        // Another node renewing the same period right now, or a gateway gone: the next run retries.
        tally.failed++;
      }
    }
    return tally;
  }

  /** Whether the tenant's plan ran out. A tenant that never had a plan is not expired (it is on the free tier). */
  async expired(tenantId: string): Promise<boolean> {
    const row = await this.sql.tenant(tenantId, () => this.sql.one<{ expired: boolean }>('SELECT expiration < now() AS expired FROM billing WHERE tenant_id = $1', [tenantId]));
    return row?.expired === true;
  }

  async #currency(tenantId: string): Promise<'USD' | 'BRL'> {
    const row = await this.sql.tenant(tenantId, () => this.sql.one<{ currency: 'USD' | 'BRL' }>('SELECT currency FROM tenants WHERE id = $1', [tenantId]));
    return row?.currency ?? CURRENCY;
  }

  async #claim(input: PaymentInput & { total: number; currency: string }, requestHash: string): Promise<{ paymentId: string } | { outcome: PaymentOutcome }> {
    return this.sql.tenant(input.tenantId, async () => {
      const id = randomUUID();
      const inserted = await this.sql.one<{ id: string }>(
        `INSERT INTO payments (id, tenant_id, user_id, total, currency, payment_gateway, plan, status, idempotency_key, request_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING', $8, $9)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id`,
        [id, input.tenantId, input.userId, input.total, input.currency, input.gateway, input.plan, input.idempotencyKey, requestHash],
      );
      if (inserted) return { paymentId: id };
      const earlier = await this.sql.one<PaymentRow>('SELECT id, request_hash, status, decline_reason, created FROM payments WHERE tenant_id = $1 AND idempotency_key = $2', [
        input.tenantId,
        input.idempotencyKey,
      ]);
      if (!earlier) throw new ConflictError('Payment is being recorded; retry', 'Idempotency-Key');
      if (earlier.request_hash !== requestHash) throw new ConflictError('Idempotency-Key was already used for a different payment', 'Idempotency-Key');
      if (earlier.status !== 'PENDING') {
        const reason = earlier.decline_reason ?? undefined;
        return { outcome: { success: earlier.status === 'APPROVED', payment_id: earlier.id, status: earlier.status, ...(reason ? { decline_reason: reason } : {}) } };
      }
      if (Date.now() - earlier.created.getTime() < STALE_PENDING_MS) throw new ConflictError('A payment with this Idempotency-Key is in progress', 'Idempotency-Key');
      return { paymentId: earlier.id };
    });
  }
}
