import { randomUUID } from 'node:crypto';
import { signAccessToken } from '../../infra/auth/jwt';
import { emptyCounts, type LoadPlan } from './plan';
import { RestTraffic } from './rest';
import { SoakRoom } from './room';

/**
 * Child process of the soak benchmark: every client socket and REST call lives here, so the
 * node's figures are its own. The parent sends `start` (a LoadPlan), then `stats` and `stop`;
 * each is answered with the running counts.
 */
type Message = { type: 'start'; plan: LoadPlan } | { type: 'stats' } | { type: 'stop' };

const counts = emptyCounts();
const rooms: SoakRoom[] = [];
let ticker: NodeJS.Timeout | undefined;
let trafficFrom = 0;

const send = (type: string) => {
  if (trafficFrom > 0) counts.trafficSeconds = (performance.now() - trafficFrom) / 1000;
  process.send?.({ type, counts });
};

async function start(plan: LoadPlan): Promise<void> {
  const token = (tenantId: string, userId: string) => signAccessToken({ sub: userId, tid: tenantId, role: 'member', sid: randomUUID() }, plan.jwtSecret, plan.tokenSeconds);
  const callers = plan.world.tenants.flatMap((t, tenantIndex) => t.rooms.flatMap((r) => r.userIds.map((userId) => ({ tenantIndex, token: token(t.tenantId, userId) }))));
  const rest = new RestTraffic(plan.httpUrl, callers, plan.world.tenants.length, counts);
  for (const tenantIndex of plan.world.tenants.keys()) {
    const author = callers.find((c) => c.tenantIndex === tenantIndex);
    for (let i = 0; author && i < plan.pocsPerTenant; i++) await rest.request('create', author);
  }
  // A room at a time: a herd of a thousand handshakes measures nothing the soak is for.
  for (const tenant of plan.world.tenants) {
    for (const room of tenant.rooms) {
      rooms.push(
        await SoakRoom.open(
          plan.wsUrl,
          room.dojoId,
          room.userIds.map((u) => token(tenant.tenantId, u)),
          counts,
        ),
      );
    }
  }
  // Sends are spread over ticks by credit, so the rates hold whatever the timer's drift.
  const credit = { chat: 0, edit: 0, rest: 0 };
  const tickSeconds = 0.1;
  trafficFrom = performance.now();
  ticker = setInterval(() => {
    credit.chat += plan.chatPerRoom * rooms.length * tickSeconds;
    credit.edit += plan.editsPerRoom * rooms.length * tickSeconds;
    credit.rest += plan.restPerSecond * tickSeconds;
    for (; credit.chat >= 1; credit.chat--) rooms[Math.floor(Math.random() * rooms.length)]?.chat();
    for (; credit.edit >= 1; credit.edit--) rooms[Math.floor(Math.random() * rooms.length)]?.edit();
    for (; credit.rest >= 1; credit.rest--) void rest.fire();
  }, tickSeconds * 1000);
}

async function stop(): Promise<void> {
  clearInterval(ticker);
  const stoppedAt = performance.now();
  // Let the last replies and pushes arrive before the final count.
  await new Promise((r) => setTimeout(r, 3_000));
  trafficFrom += performance.now() - stoppedAt;
  send('counts');
  for (const room of rooms) room.close();
  setTimeout(() => process.exit(0), 200);
}

process.on('message', (message: Message) => {
  if (message.type === 'start') {
    start(message.plan).then(
      () => send('started'),
      (error: Error) => process.send?.({ type: 'failed', error: error.stack ?? error.message }),
    );
  } else if (message.type === 'stats') send('counts');
  else void stop();
});
process.once('disconnect', () => process.exit(0));
