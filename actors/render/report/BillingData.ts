import type { Sql } from '../../../infra/db/sql';

export interface Payment {
  date: string;
  plan: 'M' | 'Y';
  total: number;
  currency: string;
  gateway: string;
  status: string;
}

/** The figures of a tenant's billing report: its plan, expiration and payments. */
export interface BillingFigures {
  tenant: { name: string; slug: string };
  generatedAt: string;
  plan: 'M' | 'Y' | null;
  price: number | null;
  currency: string;
  expiration: string | null;
  autorenew: boolean;
  active: boolean;
  payments: Payment[];
  /** Sum of approved payments, per currency. */
  paid: Array<{ currency: string; total: number }>;
}

const MAX_PAYMENTS = 1000;

export type BillingState = Pick<BillingFigures, 'plan' | 'price' | 'currency' | 'expiration' | 'autorenew' | 'active'>;

/** A tenant's plan and whether it is paid up (inside the caller's tenant scope). */
export async function loadBillingState(sql: Sql, tenantId: string): Promise<BillingState> {
  const billing = await sql.one<{ plan: 'M' | 'Y' | null; price: string | null; currency: string; expiration: Date | null; autorenew: boolean }>(
    'SELECT plan, price, currency, expiration, autorenew FROM billing WHERE tenant_id = $1',
    [tenantId],
  );
  return {
    plan: billing?.plan ?? null,
    price: billing?.price == null ? null : Number(billing.price),
    currency: billing?.currency ?? 'USD',
    expiration: billing?.expiration?.toISOString() ?? null,
    autorenew: billing?.autorenew ?? false,
    active: Boolean(billing?.expiration && billing.expiration.getTime() > Date.now()),
  };
}

export class BillingData {
  constructor(readonly sql: Sql) {}

  load(tenantId: string): Promise<BillingFigures> {
    return this.sql.tenant(tenantId, async () => {
      const tenant = await this.sql.one<{ name: string; slug: string }>('SELECT name, slug FROM tenants WHERE id = $1', [tenantId]);
      const state = await loadBillingState(this.sql, tenantId);
      const payments = await this.sql.rows<{ created: Date; plan: 'M' | 'Y'; total: string; currency: string; payment_gateway: string; status: string }>(
        `SELECT created, plan, total, currency, payment_gateway, status FROM payments WHERE tenant_id = $1 ORDER BY created DESC LIMIT ${MAX_PAYMENTS}`,
        [tenantId],
      );
      const paid = await this.sql.rows<{ currency: string; total: string }>(
        `SELECT currency, sum(total) AS total FROM payments WHERE tenant_id = $1 AND status = 'APPROVED' GROUP BY currency ORDER BY currency`,
        [tenantId],
      );
      return {
        tenant: tenant ?? { name: '', slug: '' },
        generatedAt: new Date().toISOString(),
        ...state,
        payments: payments.map((p) => ({
          date: p.created.toISOString(),
          plan: p.plan,
          total: Number(p.total),
          currency: p.currency,
          gateway: p.payment_gateway,
          status: p.status,
        })),
        paid: paid.map((p) => ({ currency: p.currency, total: Number(p.total) })),
      };
    });
  }
}
