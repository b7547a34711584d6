import type { types } from 'mediasoup';
import { Counter, Gauge, metric } from '../infra/metrics';
import { observeWorker } from './observe';

/** Every live pool's metrics; the scrape-time collectors read them all (a process may run several in tests). */
const sources = new Set<MediaMetrics>();

const workersGauge = () => metric('pocdojo_media_workers', (registers) => new Gauge({ name: 'pocdojo_media_workers', help: 'Live mediasoup workers', registers }));
const routersGauge = () => metric('pocdojo_media_routers', (registers) => new Gauge({ name: 'pocdojo_media_routers', help: 'Open mediasoup routers', registers }));
const transportsGauge = () => metric('pocdojo_media_transports', (registers) => new Gauge({ name: 'pocdojo_media_transports', help: 'Open transports by type', labelNames: ['type'], registers }));
const producersGauge = () => metric('pocdojo_media_producers', (registers) => new Gauge({ name: 'pocdojo_media_producers', help: 'Open producers by kind', labelNames: ['kind'], registers }));
const consumersGauge = () => metric('pocdojo_media_consumers', (registers) => new Gauge({ name: 'pocdojo_media_consumers', help: 'Open consumers by kind', labelNames: ['kind'], registers }));
const deathsCounter = () =>
  metric('pocdojo_media_worker_deaths_total', (registers) => new Counter({ name: 'pocdojo_media_worker_deaths_total', help: 'mediasoup workers that died and were replaced', registers }));

// Bitrate and CPU are read from the workers at scrape time only, so nothing polls them between scrapes.
const bitrateGauge = () =>
  metric('pocdojo_media_bitrate_bps', (registers) => {
    const gauge: Gauge<'direction'> = new Gauge({
      name: 'pocdojo_media_bitrate_bps',
      help: 'Bits per second received from clients (in) and sent to them (out), over all transports',
      labelNames: ['direction'],
      registers,
      async collect() {
        let bitsIn = 0;
        let bitsOut = 0;
        const transports = [...sources].flatMap((s) => [...s.transports]);
        type Rates = { recvBitrate: number; sendBitrate: number };
        const stats = await Promise.all(
          transports.map((t) =>
            t.getStats().then(
              (s) => s as Rates[],
              () => [] as Rates[],
            ),
          ),
        );
        for (const s of stats.flat()) {
          bitsIn += s.recvBitrate;
          bitsOut += s.sendBitrate;
        }
        gauge.set({ direction: 'in' }, bitsIn);
        gauge.set({ direction: 'out' }, bitsOut);
      },
    });
    return gauge;
  });

const cpuCounter = () =>
  metric('pocdojo_media_worker_cpu_seconds_total', (registers) => {
    const seen = new Map<number, number>();
    const counter: Counter<'worker'> = new Counter({
      name: 'pocdojo_media_worker_cpu_seconds_total',
      help: 'CPU time (user + system) of each mediasoup worker slot',
      labelNames: ['worker'],
      registers,
      async collect() {
        const workers = [...sources].flatMap((s) => [...s.workers]);
        await Promise.all(
          workers.map(async ([worker, slot]) => {
            const usage = await worker.getResourceUsage().catch(() => undefined);
            if (!usage) return;
            const seconds = (usage.ru_utime + usage.ru_stime) / 1000;
            const delta = seconds - (seen.get(worker.pid) ?? 0);
            seen.set(worker.pid, seconds);
            if (delta > 0) counter.inc({ worker: slot }, delta);
          }),
        );
      },
    });
    return counter;
  });

/**
 * Prometheus metrics of one worker pool: object counts follow mediasoup's observer events,
 * bitrate and worker CPU are read when /metrics is scraped.
 */
export class MediaMetrics {
  readonly workers = new Map<types.Worker, string>();
  readonly transports = new Set<types.Transport>();
  readonly #workers = workersGauge();
  readonly #routers = routersGauge();
  readonly #transportsGauge = transportsGauge();
  readonly #producers = producersGauge();
  readonly #consumers = consumersGauge();
  readonly #deaths = deathsCounter();

  constructor() {
    bitrateGauge();
    cpuCounter();
    sources.add(this);
  }

  /** Counts a worker and everything it creates until it closes or dies. */
  watch(worker: types.Worker, slot: number): void {
    this.workers.set(worker, String(slot));
    this.#workers.inc();
    worker.observer.once('close', () => {
      this.workers.delete(worker);
      this.#workers.dec();
    });
    observeWorker(worker, {
      router: (_router, delta) => this.#routers.inc(delta),
      transport: (transport, delta) => {
        if (delta > 0) this.transports.add(transport);
        else this.transports.delete(transport);
        this.#transportsGauge.inc({ type: transport.type }, delta);
      },
      producer: (producer, delta) => this.#producers.inc({ kind: producer.kind }, delta),
      consumer: (consumer, _transport, delta) => this.#consumers.inc({ kind: consumer.kind }, delta),
    });
  }

  workerDied(): void {
    this.#deaths.inc();
  }

  /** Stops reading this pool at scrape time (its gauges have already gone back down). */
  close(): void {
    sources.delete(this);
  }
}
