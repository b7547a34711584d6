import net from 'node:net';

export type Env = Record<string, string | undefined>;

/** A setting with a bad value; the message names the setting. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`Invalid setting ${setting}: ${reason}`);
    this.name = 'ConfigError';
  }
}

/** Typed readers over an environment; empty strings count as unset. */
export function readers(env: Env) {
  const raw = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value)) throw new ConfigError(name, `expected a whole number, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
    return n;
  };
  return {
    optional: raw,
    string: (name: string, fallback: string) => raw(name) ?? fallback,
    /** An identifier that ends up in subjects and keys: letters, digits, `.`, `_`, `-`. */
    name(name: string, fallback: string): string {
      const value = raw(name) ?? fallback;
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) throw new ConfigError(name, 'use 1-64 letters, digits, ".", "_" or "-"');
      return value;
    },
    int,
    port: (name: string, fallback: number) => int(name, fallback, 0, 65535),
    /** A number from 0 to 1. */
    fraction(name: string, fallback: number): number {
      const value = raw(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!/^\d*\.?\d+$/.test(value) || n > 1) throw new ConfigError(name, `expected a number from 0 to 1, got "${value}"`);
      return n;
    },
    url(name: string, protocols: readonly string[]): string | undefined {
      const value = raw(name);
      if (value === undefined) return undefined;
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        throw new ConfigError(name, `not a valid URL`);
      }
      if (!protocols.includes(parsed.protocol)) {
        throw new ConfigError(name, `expected a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL`);
      }
      return value;
    },
    ip(name: string, fallback: string): string {
      const value = raw(name) ?? fallback;
      if (net.isIP(value) === 0) throw new ConfigError(name, `expected an IP address, got "${value}"`);
      return value;
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const value = raw(name);
      if (value === undefined) return fallback;
      if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(name, `expected one of ${allowed.join(', ')}`);
      return value as T;
    },
    list<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
      const value = raw(name);
      if (value === undefined) return [...fallback];
      const items = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (items.length === 0) throw new ConfigError(name, 'must name at least one service');
      for (const item of items) {
        if (!(allowed as readonly string[]).includes(item)) throw new ConfigError(name, `unknown service "${item}" (known: ${allowed.join(', ')})`);
      }
      return [...new Set(items)] as T[];
    },
  };
}
