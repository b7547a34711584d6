import { Counter, metric } from '../../infra/metrics';

/** POCs registered (POST /v1/pocs), all tenants: the product's growth on the dashboards. */
export const pocsCreated = () => metric('pocdojo_pocs_created_total', (registers) => new Counter({ name: 'pocdojo_pocs_created_total', help: 'POCs created', registers }));
