import test from 'ava';
import fc from 'fast-check';
import { ROUTES } from '../../protocol/rest';
import { REST_CORPUS } from './corpus';
import { restFaults, routeOf } from './oracle';
import { restCase, sendRest, type RestCase } from './rest-cases';
import { failureReport, fuzzParameters } from './settings';
import { startFuzzWorld, type FuzzWorld } from './world';

// Every REST route of the contract, fed valid-shaped and hostile requests by a logged-in admin:
// no 5xx, successes and error bodies in the contract's shape, no internals, the node still serving.

let world: FuzzWorld;

test.before(async () => {
  world = await startFuzzWorld();
});

test.after.always(async () => {
  await world?.stop();
});

const statuses = new Map<number, number>();

/** Sends the case and returns what is wrong with the answer. */
async function faultsOf(c: RestCase): Promise<string[]> {
  let answer: { status: number; body: string };
  try {
    answer = await sendRest(world, c);
    if (answer.status === 401 && c.auth === 'user') {
      // An earlier case logged the fuzzer out or demoted it: give it its rights back and ask again.
      await world.restore();
      answer = await sendRest(world, c);
    }
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return [`${c.method} ${c.path}: no answer (${(error as Error).message}${cause ? `: ${cause}` : ''})`];
  }
  statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  return restFaults(routeOf(ROUTES, c.method, c.path), answer.status, answer.body, `${c.path}?${c.query ?? ''}\n${c.body ?? ''}`).map((f) => `${c.method} ${c.path}: ${f}`);
}

test.serial('no REST request gets a 5xx or an answer showing internals', async (t) => {
  const parameters = fuzzParameters(300, REST_CORPUS);
  t.log(`seed ${parameters.seed}, ${parameters.numRuns} requests over ${ROUTES.length} routes`);
  const property = fc.asyncProperty(restCase(ROUTES, world.known), async (c) => {
    const faults = await faultsOf(c);
    if (faults.length > 0) throw new Error(faults.join('\n'));
  });
  const details = await fc.check(property, parameters);
  if (details.failed) t.fail(failureReport(details, 'rest'));
  t.log('statuses', JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b))));
  t.is((await fetch(`${world.app.url}/health`)).status, 200, 'the node still serves');
});
