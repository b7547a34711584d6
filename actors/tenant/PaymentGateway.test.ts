import test from 'ava';
import { SandboxGateway } from './PaymentGateway';

const charge = (gateway: SandboxGateway, amountCents: number, idempotencyKey = `k${amountCents}`) => gateway.charge({ amountCents, currency: 'USD', idempotencyKey, description: 'test' });

test('the sandbox outcome depends only on the cents of the total', async (t) => {
  const gateway = new SandboxGateway();
  t.like(await charge(gateway, 1999), { status: 'APPROVED' });
  t.like(await charge(gateway, 1002), { status: 'DECLINED', reason: 'card_declined' });
  t.like(await charge(gateway, 5), { status: 'DECLINED', reason: 'insufficient_funds' });
  t.like(await charge(gateway, 10000), { status: 'APPROVED' });
  t.is(gateway.charges, 2);
});

test('a repeated idempotency key returns the first result and charges once', async (t) => {
  const gateway = new SandboxGateway();
  const first = await charge(gateway, 1000, 'same');
  t.deepEqual(await charge(gateway, 1000, 'same'), first);
  t.is(gateway.charges, 1);
});
