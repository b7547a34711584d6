import fc from 'fast-check';
import type { z } from 'zod';

/** Values that exist in the node under test, so valid-shaped inputs reach real rows, not only 404s. */
export interface KnownValues {
  uuids: readonly string[];
  /** Strings the node knows (a tenant slug, a username, a tag): they make lookups hit. */
  strings: readonly string[];
}

// zod 4 keeps a schema's definition under `_zod.def`; only the fields read here are typed.
interface Def {
  type: string;
  format?: string;
  pattern?: RegExp;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
}
interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function checksOf(def: Def): CheckDef[] {
  return (def.checks ?? []).map((c) => c._zod.def);
}

/**
 * Inputs shaped as the schema asks: right types, lengths, formats and bounds, often the ids and
 * names the node knows. Custom refinements are not followed, so a few still fail validation;
 * the point is that most reach the actors.
 */
export function validShaped(schema: z.ZodType, known: KnownValues): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const shape = def.shape ?? {};
      const required = Object.keys(shape).filter((key) => !isOptional(shape[key] as z.ZodType));
      const fields = Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, validShaped(value, known)]));
      return fc.record(fields, { requiredKeys: required });
    }
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
      return validShaped(def.innerType as z.ZodType, known);
    case 'pipe':
      // A transform's input is what the client sends.
      return validShaped(defOf(def.in as z.ZodType).type === 'transform' ? (def.out as z.ZodType) : (def.in as z.ZodType), known);
    case 'union':
      return fc.oneof(...(def.options ?? []).map((option) => validShaped(option, known)));
    case 'array': {
      const checks = checksOf(def);
      const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
      const max = Math.min(checks.find((c) => c.check === 'max_length')?.maximum ?? 5, min + 5);
      return fc.array(validShaped(def.element as z.ZodType, known), { minLength: min, maxLength: max });
    }
    case 'record':
      return fc.dictionary(fc.string({ maxLength: 10 }), validShaped(def.valueType as z.ZodType, known), { maxKeys: 4 });
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'boolean':
      return fc.boolean();
    case 'number':
      return satisfying(schema, numberShaped(checksOf(def)));
    case 'string':
      return satisfying(schema, stringShaped(def, known));
    default:
      // unknown, any, transform: anything JSON can carry.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * Prefers candidates the leaf's own schema accepts, so refinements (an http URL, a year not in
 * the future, zod's stricter email) are met too; a bounded number of tries, then whatever came.
 */
function satisfying<T>(schema: z.ZodType, candidates: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.array(candidates, { minLength: 8, maxLength: 8 }).map((tries) => tries.find((v) => schema.safeParse(v).success) ?? (tries[0] as T));
}

function isOptional(schema: z.ZodType): boolean {
  const type = defOf(schema).type;
  return type === 'optional' || type === 'default';
}

function numberShaped(checks: CheckDef[]): fc.Arbitrary<number> {
  const low = checks.find((c) => c.check === 'greater_than');
  const high = checks.find((c) => c.check === 'less_than');
  const step = checks.find((c) => c.check === 'multiple_of')?.value;
  const integer = checks.some((c) => c.check === 'number_format' && /int/.test(c.format ?? ''));
  const min = low ? low.value! + (low.inclusive ? 0 : (step ?? 1)) : -1_000;
  // Without an upper bound, stay near the lower one: a refinement (a year not in the future) often is one.
  const max = high ? high.value! - (high.inclusive ? 0 : (step ?? 1)) : low ? min + 100 : 100_000;
  if (integer) return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  if (step) return fc.integer({ min: Math.ceil(min / step), max: Math.floor(max / step) }).map((n) => Number((n * step).toFixed(6)));
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function stringShaped(def: Def, known: KnownValues): fc.Arbitrary<string> {
  const checks = checksOf(def);
  const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
  const max = checks.find((c) => c.check === 'max_length')?.maximum ?? 200;
  const fits = (s: string) => s.length >= min && s.length <= max;
  const pattern = def.pattern ?? checks.find((c) => c.check === 'string_format' && c.pattern)?.pattern;
  let fresh: fc.Arbitrary<string>;
  switch (def.format) {
    case 'uuid':
      return known.uuids.length > 0 ? fc.oneof(fc.constantFrom(...known.uuids), fc.uuid()) : fc.uuid();
    case 'email':
      fresh = fc.emailAddress().filter(fits);
      break;
    case 'datetime':
      fresh = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      break;
    default:
      fresh = pattern ? fc.stringMatching(pattern).filter(fits) : fc.string({ minLength: Math.max(min, 1), maxLength: Math.min(max, 60), unit: 'grapheme' });
  }
  const matching = known.strings.filter((s) => fits(s) && (!pattern || pattern.test(s)));
  return matching.length > 0 ? fc.oneof(fc.constantFrom(...matching), fresh) : fresh;
}
