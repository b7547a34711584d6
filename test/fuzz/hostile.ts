import fc from 'fast-check';

// What an attacker or a broken client sends instead of what the contract asks.

/** Text that has broken parsers, databases and hashes before: controls, lone surrogates, odd planes. */
export const oddText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\u0007\u001b[2J',
    '\r\n\r\n',
    '\ud800',
    'x\udfffy',
    '\ufeff',
    '\uffff',
    '\u202eabc',
    '\u0301\u0301\u0301',
    'e\u0301',
    '𝕏💥👩‍👩‍👧',
    '\u2028\u2029',
    '%',
    '%zz',
    '%E0%A4%A',
    '%00',
    '../../etc/passwd',
    "'; DROP TABLE users; --",
    '" OR 1=1 --',
    '\\',
    '${jndi:x}',
    '{{7*7}}',
    '<script>',
    '__proto__',
    'constructor',
    'null',
    'undefined',
    'NaN',
    '-0',
    '0x10',
    '1e400',
    ' ',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
);

/** Strings past every field limit (the largest still well under the body limit). */
export const longText: fc.Arbitrary<string> = fc.tuple(fc.constantFrom(201, 2_001, 65_537, 300_000), fc.constantFrom('a', 'é', '😀', '\u0000', '%')).map(([n, unit]) => unit.repeat(n));

export const oddNumber: fc.Arbitrary<number> = fc.constantFrom(-1, 0, -0, 1.5, 0.001, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e21, 1e308, -1e308, Number.MIN_VALUE, 123456789.123456789);

/** Arrays and objects nested deep enough to find recursion without a bound (and still JSON.stringify). */
export const deepNesting: fc.Arbitrary<unknown> = fc.tuple(fc.constantFrom(64, 1_000), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

/** Deeper than JSON.stringify can write (it runs out of stack): only a parser meets it. */
const DEEP = 10_000;
const DEEP_TEXT = `${'{"a":['.repeat(DEEP)}1${']}'.repeat(DEEP)}`;
const DEEP_MARK = '\u0000deep\u0000';

/** JSON text of the value, with any DEEP_MARK string written as the 10,000-deep value. */
export function toJsonText(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').split(JSON.stringify(DEEP_MARK)).join(DEEP_TEXT);
}

/**
 * A value of any JSON type but the expected one, or an odd one of the expected type. `long`
 * picks the long strings: a body takes 300 kB ones, while a URL past uWS's request-head limit
 * (a few kB) is dropped by the transport without an answer, below anything the gateway decides.
 */
function hostile(long: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: oddText },
    { weight: 1, arbitrary: long },
    { weight: 2, arbitrary: oddNumber },
    { weight: 1, arbitrary: deepNesting },
    { weight: 1, arbitrary: fc.constant(DEEP_MARK) },
    { weight: 2, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], JSON.parse('{"__proto__":{"admin":true}}'), { constructor: { prototype: {} } }) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

export const hostileValue = hostile(longText);
/** For query strings: long, but within a request head. */
export const hostileQueryValue = hostile(fc.constantFrom('a'.repeat(201), 'a'.repeat(1_001)));

/** The valid-shaped value with one field (at any depth) replaced, removed, or an extra one added. */
export function mutated(valid: fc.Arbitrary<unknown>, hostileArb: fc.Arbitrary<unknown> = hostileValue): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), hostileArb, fc.constantFrom('replace', 'remove', 'add')).map(([generated, pick, bad, how]) => {
    // fast-check may hand the same value out again: change a copy.
    const value = structuredClone(generated);
    const slots = objectSlots(value);
    if (slots.length === 0) return bad;
    const [holder, key] = slots[pick % slots.length] as [Record<string, unknown>, string];
    if (how === 'replace') holder[key] = bad;
    else if (how === 'remove') delete holder[key];
    // An own "__proto__" key, as JSON.parse makes one (an assignment would set the prototype).
    else Object.defineProperty(holder, key === '__proto__' ? 'extra' : '__proto__', { value: bad, enumerable: true, writable: true, configurable: true });
    return value;
  });
}

function objectSlots(value: unknown, out: Array<[Record<string, unknown>, string]> = []): Array<[Record<string, unknown>, string]> {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([value as Record<string, unknown>, key]);
      objectSlots((value as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

/** Path parameters a router or a decoder may choke on (sent as they are, not encoded again). */
export const oddPathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '%2F', '%2e%2e', '..', '.', '%ED%A0%80', '%FF', '%25', '%u0041', ';x', 'a%20b', 'x'.repeat(2_001)),
  oddText.map((s) => encodeURIComponent(safeText(s))),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.uuid().map((id) => `${id}%00`),
);

/** Raw bodies that are not the JSON object a route expects. */
export const badJsonBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '{', '{"a":', '[]', 'null', '1', '"x"', '{"a":1,}', '{a:1}', "{'a':1}", '\ufeff{}', '{"a":1}{"b":2}', '{"__proto__":{"x":1}}', '{"a":1e99999}', '\u0000', '{"a":"\\ud800"}'),
  deepNesting.map((v) => JSON.stringify(v)),
  fc.constant(DEEP_TEXT),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

/** Lone surrogates cannot be percent-encoded; drop them where an encoder is involved. */
function safeText(s: string): string {
  return s.replace(/[\ud800-\udfff]/g, '');
}
