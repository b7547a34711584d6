/**
 * A dependency /ready checks: throw (or time out) when it cannot serve. An optional one is a
 * feature the node can run without (recording without ffmpeg): /ready lists it under
 * `features` with the reason it is unavailable, and stays 200.
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  optional?: boolean;
}

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return `failing: ${(error as Error).message ?? 'error'}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The /ready answer, the same on the public port (load balancers) and the operations port
 * (the operator's probes): 503 while any required dependency fails.
 */
export async function readiness(checks: readonly ReadinessCheck[]): Promise<{ status: 200 | 503; body: object }> {
  const results = await Promise.all(checks.map(async (c) => [c, await runCheck(c)] as const));
  const required = results.filter(([c]) => !c.optional);
  const states = Object.fromEntries(required.map(([c, state]) => [c.name, state]));
  const features = Object.fromEntries(results.filter(([c]) => c.optional).map(([c, state]) => [c.name, state === 'ok' ? 'available' : state.replace(/^failing/, 'unavailable')]));
  const ready = required.every(([, state]) => state === 'ok');
  return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not ready', checks: states, ...(Object.keys(features).length > 0 ? { features } : {}) } };
}

/** The /health answer: the process is up and says which node and build it is. */
export function liveness(node: { nodeId: string; version: string; startedAt: number }): object {
  return { status: 'ok', node: node.nodeId, version: node.version, uptimeSeconds: Math.round((Date.now() - node.startedAt) / 1000) };
}
