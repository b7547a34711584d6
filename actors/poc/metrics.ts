import { Counter, metric } from '../../infra/metrics';

/** POCs registered (POST /v1/pocs), all tenants: the product's growth on the dashboards. */
export const pocsCreated = () => metric('pocdojo_pocs_created_total', (registers) => new Counter({ name: 'pocdojo_pocs_created_total', help: 'POCs created', registers }));

/** Cached reads of the poc actor (search, get, tags) by outcome: a hit ratio that falls says writes or keys defeat the cache. */
export const pocCacheReads = () =>
  metric(
    'pocdojo_poc_cache_reads_total',
    (registers) => new Counter({ name: 'pocdojo_poc_cache_reads_total', help: 'poc actor reads through its result cache', labelNames: ['action', 'result'], registers }),
  );
