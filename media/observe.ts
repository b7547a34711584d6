import type { types } from 'mediasoup';

/** Called once when a media object opens and once when it closes (delta +1 / -1). */
export interface MediaObjectHooks {
  router?(router: types.Router, delta: 1 | -1): void;
  transport?(transport: types.Transport, delta: 1 | -1): void;
  producer?(producer: types.Producer, delta: 1 | -1): void;
  consumer?(consumer: types.Consumer, transport: types.Transport, delta: 1 | -1): void;
}

/**
 * Follows every router, transport, producer and consumer a worker creates through mediasoup's
 * observer events, so counting (metrics, worker load) needs no cooperation from the code that
 * creates them, and a worker's death closes (and un-counts) everything it held.
 */
export function observeWorker(worker: types.Worker, hooks: MediaObjectHooks): void {
  worker.observer.on('newrouter', (router) => observeRouter(router, hooks));
}

/** The same for one router: counts it, then everything created on it. */
export function observeRouter(router: types.Router, hooks: MediaObjectHooks): void {
  hooks.router?.(router, 1);
  router.observer.once('close', () => hooks.router?.(router, -1));
  router.observer.on('newtransport', (transport) => {
    hooks.transport?.(transport, 1);
    transport.observer.once('close', () => hooks.transport?.(transport, -1));
    transport.observer.on('newproducer', (producer) => {
      hooks.producer?.(producer, 1);
      producer.observer.once('close', () => hooks.producer?.(producer, -1));
    });
    transport.observer.on('newconsumer', (consumer) => {
      hooks.consumer?.(consumer, transport, 1);
      consumer.observer.once('close', () => hooks.consumer?.(consumer, transport, -1));
    });
  });
}
