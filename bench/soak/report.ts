import type { Row } from '../lib/table';
import type { NodeSample } from './metrics';
import { REST_KINDS, type FrameCounts, type LoadCounts } from './plan';

const MB = 2 ** 20;

interface Level {
  rssBytes: number;
  heapUsedBytes: number;
  lagP99Seconds: number;
  openFds: number;
  activeHandles: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function level(samples: NodeSample[]): Level {
  return {
    rssBytes: mean(samples.map((s) => s.rssBytes)),
    heapUsedBytes: mean(samples.map((s) => s.heapUsedBytes)),
    lagP99Seconds: mean(samples.map((s) => s.lagP99Seconds)),
    openFds: mean(samples.map((s) => s.openFds)),
    activeHandles: mean(samples.map((s) => s.activeHandles)),
  };
}

function cells(l: Level): Row {
  return {
    'RSS MB': l.rssBytes / MB,
    'heap used MB': l.heapUsedBytes / MB,
    'lag p99 ms': l.lagP99Seconds * 1000,
    'open fds': l.openFds,
    'active handles': l.activeHandles,
  };
}

const signed = (n: number, digits: number) => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;

/** The first and the last window of a run (5 minutes of a 30-minute soak; a third of a short one). */
export function windows(samples: NodeSample[], minutes: number, windowMinutes: number): { first: NodeSample[]; last: NodeSample[] } {
  return {
    first: samples.filter((s) => s.minute <= windowMinutes),
    last: samples.filter((s) => s.minute >= minutes - windowMinutes),
  };
}

/**
 * The goal (issue 11): RSS grows less than 10% and handles do not grow. A count "grows" when the
 * last window never comes down to the first window's highest value: a level that rose, not a
 * socket or timer that happened to be open at one scrape.
 */
function growthRow(node: string, first: NodeSample[], last: NodeSample[]): Row {
  const [a, b] = [level(first), level(last)];
  const rssGrowth = (100 * (b.rssBytes - a.rssBytes)) / a.rssBytes;
  const rose = (pick: (s: NodeSample) => number) => Math.min(...last.map(pick)) > Math.max(...first.map(pick));
  const fdsRose = rose((s) => s.openFds);
  const handlesRose = rose((s) => s.activeHandles);
  return {
    node,
    figures: 'last window vs first (means)',
    'RSS MB': `${signed(rssGrowth, 1)}%`,
    'heap used MB': `${signed((100 * (b.heapUsedBytes - a.heapUsedBytes)) / a.heapUsedBytes, 1)}%`,
    'lag p99 ms': signed((b.lagP99Seconds - a.lagP99Seconds) * 1000, 1),
    'open fds': signed(b.openFds - a.openFds, 1),
    'active handles': signed(b.activeHandles - a.activeHandles, 1),
    goal: 'RSS < +10%, no fd/handle growth',
    verdict: rssGrowth < 10 && !fdsRose && !handlesRose ? 'met' : `missed${rssGrowth >= 10 ? ' (RSS)' : ''}${fdsRose ? ' (fds)' : ''}${handlesRose ? ' (handles)' : ''}`,
  };
}

/** The node's rows: start, both windows, end and the growth against the goal. */
export function nodeRows(node: string, samples: NodeSample[], minutes: number, windowMinutes: number): Row[] {
  const { first, last } = windows(samples, minutes, windowMinutes);
  const start = samples[0] as NodeSample;
  const end = samples[samples.length - 1] as NodeSample;
  const w = `${windowMinutes.toFixed(windowMinutes < 1 ? 1 : 0)} min`;
  return [
    { node, figures: 'start (after warm-up)', ...cells(start) },
    { node, figures: `first ${w} (mean)`, ...cells(level(first)) },
    { node, figures: `last ${w} (mean)`, ...cells(level(last)) },
    { node, figures: `end (${end.minute.toFixed(1)} min)`, ...cells(end) },
    growthRow(node, first, last),
  ];
}

function frames(f: FrameCounts): string {
  const delivered = f.expected > 0 ? (100 * f.delivered) / f.expected : 0;
  return `${f.acked} acked of ${f.sent} (${f.refused} refused); ${delivered.toFixed(1)}% of ${f.expected} pushes delivered`;
}

function rest(c: LoadCounts): string {
  const ok = REST_KINDS.reduce((n, k) => n + c.rest[k].ok, 0);
  const errors = REST_KINDS.reduce((n, k) => n + c.rest[k].errors, 0);
  return `${ok} ok (${(ok / Math.max(1, c.trafficSeconds)).toFixed(1)}/s), ${errors} errors, ${c.restShed} shed (16 in flight)`;
}

/** What the clients did and saw, a row a stream, with the first distinct errors. */
export function trafficRows(c: LoadCounts): Row[] {
  const node = 'clients (own process)';
  return [
    { node, figures: `sockets: ${c.socketsOpen} open, ${c.socketsLost} lost` },
    { node, figures: `chat: ${frames(c.chat)}` },
    { node, figures: `edits: ${frames(c.code)}; ${c.codeResets} code.reset (compactions) acted on` },
    { node, figures: `REST: ${rest(c)} in ${c.trafficSeconds.toFixed(0)} s of traffic` },
    { node, figures: `REST mix: ${REST_KINDS.map((k) => `${k} ${c.rest[k].ok}`).join(', ')}` },
    ...c.errorSamples.map((e) => ({ node: 'client error seen', figures: e })),
  ];
}

/** A progress line: the node now, against its start, and the clients' counts so far. */
export function progressLine(minute: number, minutes: number, soak: NodeSample[], idle: NodeSample[], c: LoadCounts): string {
  const start = soak[0] as NodeSample;
  const now = soak[soak.length - 1] as NodeSample;
  const idleNow = idle[idle.length - 1];
  const node = `RSS ${(now.rssBytes / MB).toFixed(1)} MB (${signed((100 * (now.rssBytes - start.rssBytes)) / start.rssBytes, 1)}%), heap ${(now.heapUsedBytes / MB).toFixed(1)} MB, lag p99 ${(now.lagP99Seconds * 1000).toFixed(1)} ms, fds ${now.openFds}, handles ${now.activeHandles}`;
  const baseline = idleNow ? ` | idle node RSS ${(idleNow.rssBytes / MB).toFixed(1)} MB, fds ${idleNow.openFds}, handles ${idleNow.activeHandles}` : '';
  const traffic = `sockets ${c.socketsOpen} (${c.socketsLost} lost); chat ${frames(c.chat)}; edits ${frames(c.code)}; REST ${rest(c)}`;
  return `[soak] ${minute.toFixed(1)}/${minutes} min: ${node}${baseline} | ${traffic}`;
}
