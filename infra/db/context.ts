import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';

/**
 * A continuation-local namespace for Sequelize built on AsyncLocalStorage (Sequelize expects the
 * cls-hooked API). With it, every query inside `withTenant` runs in that transaction without
 * passing it by hand, so no query can slip out of the tenant's scope by forgetting an option.
 */
export class AsyncLocalNamespace {
  readonly #storage = new AsyncLocalStorage<Map<string, unknown>>();

  get(key: string): unknown {
    return this.#storage.getStore()?.get(key);
  }

  set(key: string, value: unknown): void {
    this.#storage.getStore()?.set(key, value);
  }

  run<T>(fn: (context: Map<string, unknown>) => T): T {
    const context = new Map(this.#storage.getStore() ?? []);
    return this.#storage.run(context, () => fn(context));
  }

  bind<F extends (...args: never[]) => unknown>(fn: F): F {
    return AsyncResource.bind(fn as unknown as (...args: unknown[]) => unknown) as unknown as F;
  }
}
