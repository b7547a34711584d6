// The synchronous core of the in-process store. Every method runs to completion without
// yielding, which is what makes compound operations (leases) atomic in one process, the same
// guarantee a Lua script gives on Redis.

type Entry = { kind: 'string'; value: string } | { kind: 'set'; value: Set<string> } | { kind: 'hash'; value: Map<string, string> };

// Same texts as Redis so callers see one set of errors whichever store is configured.
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INTEGER = 'ERR value is not an integer or out of range';
const HASH_NOT_INTEGER = 'ERR hash value is not an integer';

export class MemoryData {
  readonly #entries = new Map<string, Entry>();
  // Kept apart from entries so the sweep visits only keys that can expire.
  readonly #expiresAt = new Map<string, number>();

  get(key: string): string | null {
    const entry = this.#live(key, 'string');
    return entry ? entry.value : null;
  }

  set(key: string, value: string, ttlMs?: number): void {
    this.#entries.set(key, { kind: 'string', value });
    this.#setTtl(key, ttlMs);
  }

  setIfAbsent(key: string, value: string, ttlMs?: number): boolean {
    if (this.#exists(key)) return false;
    this.set(key, value, ttlMs);
    return true;
  }

  del(keys: readonly string[]): number {
    let removed = 0;
    for (const key of new Set(keys)) {
      if (this.#exists(key)) removed++;
      this.#remove(key);
    }
    return removed;
  }

  incr(key: string, ttlMs?: number): number {
    const entry = this.#live(key, 'string');
    if (!entry) {
      this.set(key, '1', ttlMs);
      return 1;
    }
    const next = parseInteger(entry.value, NOT_INTEGER) + 1;
    entry.value = String(next);
    return next;
  }

  sadd(key: string, members: readonly string[]): number {
    let entry = this.#live(key, 'set');
    if (!entry) {
      // Redis never stores an empty set, so adding nothing must not create the key.
      if (members.length === 0) return 0;
      entry = { kind: 'set', value: new Set() };
      this.#entries.set(key, entry);
    }
    const before = entry.value.size;
    for (const member of members) entry.value.add(member);
    return entry.value.size - before;
  }

  srem(key: string, members: readonly string[]): number {
    const entry = this.#live(key, 'set');
    if (!entry) return 0;
    let removed = 0;
    for (const member of members) if (entry.value.delete(member)) removed++;
    // Redis deletes a collection when it becomes empty; TTL and existence checks rely on that.
    if (entry.value.size === 0) this.#remove(key);
    return removed;
  }

  smembers(key: string): string[] {
    const entry = this.#live(key, 'set');
    return entry ? [...entry.value] : [];
  }

  hincrby(key: string, field: string, by: number): number {
    const entry = this.#hashFor(key);
    const current = entry.value.get(field);
    const next = (current === undefined ? 0 : parseInteger(current, HASH_NOT_INTEGER)) + by;
    entry.value.set(field, String(next));
    return next;
  }

  /** Sets fields without touching the key's TTL, like HSET. */
  hset(key: string, fields: Record<string, string>): void {
    const entry = this.#hashFor(key);
    for (const [field, value] of Object.entries(fields)) entry.value.set(field, value);
  }

  hgetall(key: string): Record<string, string> {
    const entry = this.#live(key, 'hash');
    return entry ? Object.fromEntries(entry.value) : {};
  }

  expire(key: string, ttlMs: number): boolean {
    if (!this.#exists(key)) return false;
    this.#expiresAt.set(key, Date.now() + ttlMs);
    return true;
  }

  /** Drops every expired key; returns how many went. */
  sweep(now = Date.now()): number {
    let dropped = 0;
    for (const [key, at] of this.#expiresAt) {
      if (at <= now) {
        this.#remove(key);
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.#entries.clear();
    this.#expiresAt.clear();
  }

  #hashFor(key: string): Extract<Entry, { kind: 'hash' }> {
    let entry = this.#live(key, 'hash');
    if (!entry) {
      entry = { kind: 'hash', value: new Map() };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** The entry if present and unexpired (expiring it lazily otherwise); throws on a type clash. */
  #live<K extends Entry['kind']>(key: string, kind: K): Extract<Entry, { kind: K }> | undefined {
    if (!this.#exists(key)) return undefined;
    const entry = this.#entries.get(key)!;
    if (entry.kind !== kind) throw new Error(WRONGTYPE);
    return entry as Extract<Entry, { kind: K }>;
  }

  #exists(key: string): boolean {
    const at = this.#expiresAt.get(key);
    if (at !== undefined && at <= Date.now()) this.#remove(key);
    return this.#entries.has(key);
  }

  #setTtl(key: string, ttlMs: number | undefined): void {
    if (ttlMs === undefined) this.#expiresAt.delete(key);
    else this.#expiresAt.set(key, Date.now() + ttlMs);
  }

  #remove(key: string): void {
    this.#entries.delete(key);
    this.#expiresAt.delete(key);
  }
}

function parseInteger(text: string, message: string): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new Error(message);
  return n;
}
