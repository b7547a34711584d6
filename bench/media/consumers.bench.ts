import { loadConfig } from '../../config';
import type { Child } from '../../media/childProcess';
import { resolveFfmpeg } from '../../infra/bin/ffmpeg';
import type { RtcSettings } from '../../media/rtc';
import { tempDataDir } from '../../test/support/dirs';
import type { Row } from '../lib/table';
import { prepareClip, startPublisher } from './sources';
import { atCpu, sweep, type Step, type SweepOptions } from './sweep';
import { appTarget, bareTarget, type TransportKind } from './targets';

export interface ConsumersBenchOptions extends Partial<SweepOptions> {
  /** Publishers, each one VP8 + one Opus producer; every subscriber transport consumes them all. */
  publishers?: number;
  kinds?: TransportKind[];
}

const CPU_MARK = 0.85;
const RTC: RtcSettings = { listenIp: '127.0.0.1', announcedIp: undefined, minPort: 20000, maxPort: 29999 };

/**
 * Consumers per worker (issue 6): publishers (ffmpeg copying pre-encoded VP8 ~500 kbps + Opus)
 * into one router; subscribers added step by step; the worker's CPU (utime+stime from /proc)
 * and forwarded Mbps at each step; the 85 % point comes from a line fitted through the steps. Baseline in the same run: the same load on a bare mediasoup
 * router. Goals: the project's path reaches >= 0.8x the bare router's consumers at 85 % of a
 * core, per transport type, and >= 500 consumers per worker on WebRTC transports.
 */
export async function run(options: ConsumersBenchOptions = {}): Promise<Row[]> {
  const config = loadConfig();
  const ffmpeg = resolveFfmpeg(config);
  const dir = await tempDataDir();
  const sweepOptions: SweepOptions = { transportsPerStep: 10, maxConsumers: 6000, stopAtCpu: 0.92, settleMs: 1500, windowMs: 3000, ...options };
  const publishers = options.publishers ?? 10;
  const summary: Row[] = [];
  const detail: Row[] = [];
  try {
    const clip = await prepareClip(ffmpeg, dir.path);
    for (const kind of options.kinds ?? ['plain', 'webrtc']) {
      const results: Record<string, Step[]> = {};
      for (const make of [bareTarget, appTarget]) {
        const target = await make(config, RTC);
        const senders: Child[] = [];
        try {
          for (let i = 0; i < publishers; i++) {
            const { audio, video } = await target.addPublisher(i);
            senders.push(startPublisher(ffmpeg, clip, audio, video));
          }
          await new Promise((resolve) => setTimeout(resolve, 2000));
          results[target.path] = await sweep(target, kind, sweepOptions);
          for (const step of results[target.path] ?? []) {
            detail.push({ transport: kind, path: target.path, consumers: step.consumers, 'worker CPU %': Math.round(step.cpu * 1000) / 10, 'forwarded Mbps': Math.round(step.mbps) });
          }
        } finally {
          await Promise.all(senders.map((s) => s.stop(3000)));
          await target.close();
        }
      }
      summary.push(...summarize(kind, results));
    }
  } finally {
    await dir.remove();
  }
  return [...summary, ...detail];
}

function summarize(kind: TransportKind, results: Record<string, Step[]>): Row[] {
  const bare = atCpu(results['bare mediasoup'] ?? [], CPU_MARK);
  return Object.entries(results).map(([path, steps]) => {
    const mark = atCpu(steps, CPU_MARK);
    const max = steps.at(-1);
    // Past the last step the line is an extrapolation: say so rather than claim a measurement.
    const beyond = mark && max && mark.consumers > max.consumers * 1.1;
    const ratio = mark && bare ? mark.consumers / bare.consumers : undefined;
    const verdict = (ok: boolean) => `${beyond ? '~' : ''}${ok ? 'yes' : 'NO'}`;
    const goals = [ratio === undefined || path === 'bare mediasoup' ? '' : `>=0.8x bare: ${verdict(ratio >= 0.8)}`];
    if (kind === 'webrtc' && path !== 'bare mediasoup') goals.push(`>=500/worker: ${mark ? verdict(mark.consumers >= 500) : max && max.consumers >= 500 ? 'yes' : '?'}`);
    return {
      transport: kind,
      path,
      'first step >= 85%': steps.find((s) => s.cpu >= CPU_MARK)?.consumers ?? '',
      'consumers @85% core (fit)': mark ? `${beyond ? '~' : ''}${Math.round(mark.consumers)}` : `> ${max?.consumers ?? 0} (CPU ${Math.round((max?.cpu ?? 0) * 100)}%)`,
      'Mbps @85%': mark ? Math.round(mark.mbps) : '',
      'x bare': ratio === undefined ? '' : `${ratio.toFixed(2)}x`,
      goals: goals.filter(Boolean).join(', '),
    };
  });
}

/** `npx tsx bench/media/consumers.bench.ts` runs it alone. */
if (require.main === module) {
  void import('../lib/table').then(async ({ formatTable }) => {
    const rows = await run();
    process.stdout.write(formatTable('Consumers per mediasoup worker: bare router vs pocdojo media', rows));
  });
}
