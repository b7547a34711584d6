import { randomBytes } from 'node:crypto';
import test from 'ava';
import { ServiceBroker } from 'moleculer';
import { loadConfig } from '../../config';
import { createBrokerOptions } from '../../moleculer.config';

// Two clusters of different namespaces on one Redis, each built from the project's broker
// options: an action's cache key is the same in both, so a shared prefix would hand one
// cluster the other's cached answers, and one cluster's cache clean would wipe the other's.
const ready = Boolean(process.env.REDIS_URL);

function cluster(namespace: string): ServiceBroker {
  const config = loadConfig({ NAMESPACE: namespace, NODE_ID: `${namespace}-1`, REDIS_URL: process.env.REDIS_URL, LOG_LEVEL: 'silent' });
  return new ServiceBroker({ ...createBrokerOptions(config), transporter: null });
}

if (!ready) test.skip('a shared Redis cache needs REDIS_URL (CI real-services pass)', () => undefined);

(ready ? test : test.skip)('clusters of two namespaces on one Redis keep their cached answers apart', async (t) => {
  const run = randomBytes(4).toString('hex');
  const [a, b] = [cluster(`cache-a-${run}`), cluster(`cache-b-${run}`)];
  await Promise.all([a.start(), b.start()]);
  t.teardown(async () => {
    await a.cacher?.clean();
    await Promise.all([a.stop(), b.stop()]);
  });
  const key = 'tenant.getUser:some-user';
  await a.cacher!.set(key, { answer: 'a' });
  t.is(await b.cacher!.get(key), null, "b does not see a's entry");
  await b.cacher!.set(key, { answer: 'b' });
  await b.cacher!.clean();
  t.deepEqual(await a.cacher!.get(key), { answer: 'a' }, "b's clean left a's entry alone");
});
