import { randomBytes, scrypt } from 'node:crypto';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import { OWASP_SCRYPT } from '../actors/tenant/Passwords';
import { quietDependencyWarnings } from '../config/runtime';
import { HashPool, type ScryptJob } from '../infra/hash/HashPool';
import { createTenant } from '../test/support/accounts';
import { startTestNode } from '../test/support/node';
import type { Row } from './lib/table';

const options = { ...OWASP_SCRYPT, maxmem: 256 * OWASP_SCRYPT.N * OWASP_SCRYPT.r };
const job = (): ScryptJob => ({ password: 'correct horse battery staple', salt: randomBytes(16), keyLength: 32, options });
const libuvScrypt = () => new Promise<void>((resolve, reject) => scrypt('correct horse battery staple', randomBytes(16), 32, options, (e) => (e ? reject(e) : resolve())));

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
}

/** Keeps `inFlight` hashes running for `seconds`; returns hashes per second. */
async function hashLoad(hash: () => Promise<unknown>, inFlight: number, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) {
        await hash();
        done++;
      }
    }),
  );
  return done / seconds;
}

/**
 * p99 of a file stat (libuv's pool) while `load` runs. Probes start at a fixed rate, whether or
 * not the last came back: probing in a loop would take most samples when the pool is free.
 */
async function fsLatencyDuring(load: Promise<unknown>): Promise<number> {
  const probes: Array<Promise<number>> = [];
  const probe = async () => {
    const started = performance.now();
    await stat(__filename);
    return performance.now() - started;
  };
  const timer = setInterval(() => probes.push(probe()), 20);
  await load;
  clearInterval(timer);
  return p99(await Promise.all(probes));
}

interface Storm {
  ok: number;
  shed: number;
  /** Any other statuses, as `status x count`. */
  other: string;
  seconds: number;
  okP99: number;
  shedP99: number;
}

/** `size` logins at once, as a 100-member dojo starting at 9:00. */
async function storm(login: () => Promise<Response>, size: number): Promise<Storm> {
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: size }, async () => {
      const t0 = performance.now();
      const res = await login();
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - t0 };
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const ok = results.filter((r) => r.status === 200);
  const shed = results.filter((r) => r.status === 503);
  const others = new Map<number, number>();
  for (const r of results) if (r.status !== 200 && r.status !== 503) others.set(r.status, (others.get(r.status) ?? 0) + 1);
  const other = [...others].map(([status, n]) => `${status}x${n}`).join(' ') || '-';
  return { ok: ok.length, shed: shed.length, other, seconds, okP99: p99(ok.map((r) => r.ms)), shedP99: p99(shed.map((r) => r.ms)) };
}

/**
 * Login under a storm vs the raw scrypt rate, and why hashing has its own threads: a file
 * operation's p99 while hashes queue on libuv's shared pool vs while they run on the HashPool.
 */
export async function run(opts: { seconds?: number } = {}): Promise<Row[]> {
  quietDependencyWarnings();
  const seconds = opts.seconds ?? 3;
  const cores = os.availableParallelism();
  const pool = new HashPool({ concurrency: cores });
  const rows: Row[] = [];
  let raw = 0;
  try {
    raw = await hashLoad(libuvScrypt, cores, seconds);
    const pooled = await hashLoad(() => pool.scrypt(job()), cores, seconds);
    rows.push({ measure: `raw scrypt on libuv, ${cores} at a time (baseline)`, 'per second': raw, 'x baseline': 1 });
    rows.push({ measure: `HashPool, ${cores} threads`, 'per second': pooled, 'x baseline': pooled / raw });
    const quiet = await fsLatencyDuring(new Promise((r) => setTimeout(r, seconds * 1000)));
    const onLibuv = await fsLatencyDuring(hashLoad(libuvScrypt, 16, seconds));
    const onPool = await fsLatencyDuring(hashLoad(() => pool.scrypt(job()), 16, seconds));
    rows.push({ measure: 'fs.stat p99, idle', 'p99 ms': quiet });
    rows.push({ measure: 'fs.stat p99, 16 hashes queued on libuv', 'p99 ms': onLibuv });
    rows.push({ measure: 'fs.stat p99, 16 hashes queued on HashPool', 'p99 ms': onPool });
  } finally {
    await pool.close();
  }
  const app = await startTestNode({ services: ['gateway', 'tenant'] });
  try {
    const tenant = await createTenant(app);
    const body = JSON.stringify({ tenant: tenant.slug, username: tenant.admin.username, password: tenant.admin.password });
    const login = () => fetch(`${app.url}/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await storm(login, 10);
    for (const size of [100, 300]) {
      const s = await storm(login, size);
      rows.push({
        measure: `login storm: ${size} at once (HASH_QUEUE_LIMIT 64)`,
        'per second': s.ok / s.seconds,
        'x baseline': s.ok / s.seconds / raw,
        ok: s.ok,
        '503': s.shed,
        other: s.other,
        'p99 ms': s.okP99,
        '503 p99 ms': s.shedP99,
      });
    }
  } finally {
    await app.stop();
  }
  return rows;
}
