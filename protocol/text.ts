import type { z } from 'zod';
import type { FieldError } from './errors';

// Text hygiene, one rule for every string a client sends: PostgreSQL cannot store NUL, control
// characters forge log lines and spoof what other users see, and a lone surrogate has no UTF-8
// form (two different passwords would hash the same once it becomes U+FFFD). `validate()`
// applies the rule to every string of every validated value, so no schema can forget it.

/** Any C0 control character or DEL: nothing a one-line field (a name, an id, a label) needs. */
const LINE_CONTROL = /[\u0000-\u001f\u007f]/;
/** Free text keeps tab and line breaks (CR, LF); every other control character is refused. */
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Most strings hold none of these, and are passed after this one test. */
const SUSPECT = /[\u0000-\u001f\u007f\uD800-\uDFFF]/;
/** A UTF-16 surrogate without its other half (String.prototype.isWellFormed is ES2024). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Nesting past this is refused rather than walked: no contract shape comes near it. */
const MAX_DEPTH = 64;
const TOO_DEEP = 'is nested too deeply';

const FREE_TEXT = new WeakSet<z.ZodType>();

/**
 * Marks a string schema as free text (a chat message, a description): tab and line breaks are
 * allowed in it. Every other string is one line. Mark the finished schema: a method called on it
 * afterwards (`.min()`) makes a new, unmarked one, which is held to the stricter rule.
 */
export function freeText<S extends z.ZodType<string>>(schema: S): S {
  FREE_TEXT.add(schema);
  return schema;
}

const VALIDATED_LATER = new WeakSet<z.ZodType>();

/**
 * Marks a part of a schema whose value is validated by another schema before any use (a frame's
 * `data`, by its method's schema): the rule is applied there, with the fields that one knows.
 */
export function validatedLater<S extends z.ZodType>(schema: S): S {
  VALIDATED_LATER.add(schema);
  return schema;
}

/** What is wrong with a string under the rule, or undefined. */
export function textProblem(value: string, multiline: boolean): string | undefined {
  if (!SUSPECT.test(value)) return undefined;
  if ((multiline ? TEXT_CONTROL : LINE_CONTROL).test(value)) {
    return multiline ? 'must not contain control characters other than tab and line breaks' : 'must not contain control characters';
  }
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (no lone surrogates)';
  return undefined;
}

/** The name of the field at `path`, as validation errors name it. */
export function fieldName(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, path.map(String).join('.')].filter(Boolean).join('.') || prefix || '(body)';
}

/** Field errors for every string (values and keys) of a value that was validated by `schema`. */
export function textIssues(schema: z.ZodType, value: unknown, prefix = ''): FieldError[] {
  const fields: FieldError[] = [];
  walk(value, planOf(schema), [], prefix, fields);
  return fields;
}

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * What the rule needs to know of one position of a schema, worked out once per schema and
 * position (validation runs on every request): whether its strings are free text, whether it
 * is left to a later validation, and the positions below it.
 */
class Plan {
  readonly multiline: boolean;
  readonly skip: boolean;
  readonly #tuple: boolean;
  readonly #children = new Map<string | number, Plan>();

  constructor(readonly schemas: readonly z.ZodType[]) {
    this.#tuple = schemas.some((s) => defOf(s).type === 'tuple');
    this.skip = schemas.length > 0 && schemas.every((s) => VALIDATED_LATER.has(s));
    // Untyped content (`z.unknown()`, e.g. RTP parameters) gets the free-text rule: a typed
    // schema, if the value has one, is where a stricter rule belongs.
    this.multiline = schemas.some((s) => FREE_TEXT.has(s) || defOf(s).type === 'unknown' || defOf(s).type === 'any');
  }

  child(key: string | number): Plan {
    // Array items share one plan (a tuple's do not); object keys are cached only when the
    // schema's shape names them, so the keys of a record or catchall cannot grow the cache.
    const slot = typeof key === 'number' && !this.#tuple ? 0 : key;
    let plan = this.#children.get(slot);
    if (plan) return plan;
    plan = new Plan(children(this.schemas, key));
    if (slot === 0 || this.schemas.some((s) => defOf(s).type === 'object' && Object.hasOwn(defOf(s).shape as object, key))) {
      this.#children.set(slot, plan);
    }
    return plan;
  }
}

const PLANS = new WeakMap<z.ZodType, Plan>();

function planOf(schema: z.ZodType): Plan {
  let plan = PLANS.get(schema);
  if (!plan) PLANS.set(schema, (plan = new Plan(concrete([schema]))));
  return plan;
}

// The schemas that can describe a value at one position, wrappers (optional, default, pipe,
// union, lazy) looked through. A value whose schema is unknown here is held to one line.
function concrete(schemas: readonly z.ZodType[]): z.ZodType[] {
  const out: z.ZodType[] = [];
  const visit = (schema: z.ZodType | undefined, depth: number): void => {
    if (!schema || depth > 32) return;
    if (FREE_TEXT.has(schema) || VALIDATED_LATER.has(schema)) {
      out.push(schema);
      return;
    }
    const def = defOf(schema);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
        return visit(def.innerType as z.ZodType, depth + 1);
      case 'pipe': {
        // The value seen is the pipe's output; a transform's output has no schema, so its input stands in.
        const out = def.out as z.ZodType;
        return visit(defOf(out).type === 'transform' ? (def.in as z.ZodType) : out, depth + 1);
      }
      case 'union':
        return (def.options as z.ZodType[]).forEach((o) => visit(o, depth + 1));
      case 'intersection':
        visit(def.left as z.ZodType, depth + 1);
        return visit(def.right as z.ZodType, depth + 1);
      case 'lazy':
        return visit((def.getter as () => z.ZodType)(), depth + 1);
      default:
        out.push(schema);
    }
  };
  for (const s of schemas) visit(s, 0);
  return out;
}

function children(schemas: readonly z.ZodType[], key: string | number): z.ZodType[] {
  const out: z.ZodType[] = [];
  for (const schema of schemas) {
    const def = defOf(schema);
    if (def.type === 'object') {
      // Own keys only: a client's "constructor" or "__proto__" is not a field of the shape.
      const shape = def.shape as Record<string, z.ZodType>;
      const child = Object.hasOwn(shape, key) ? shape[key as string] : (def.catchall as z.ZodType | undefined);
      if (child) out.push(child);
    } else if (def.type === 'array') out.push(def.element as z.ZodType);
    else if (def.type === 'tuple') {
      const item = (def.items as z.ZodType[])[key as number] ?? (def.rest as z.ZodType | undefined);
      if (item) out.push(item);
    } else if (def.type === 'record') out.push(def.valueType as z.ZodType);
    else if (def.type === 'unknown' || def.type === 'any') out.push(schema);
  }
  return concrete(out);
}

function walk(value: unknown, plan: Plan, path: PropertyKey[], prefix: string, fields: FieldError[]): void {
  if (plan.skip) return;
  if (typeof value === 'string') {
    const problem = textProblem(value, plan.multiline);
    if (problem) fields.push({ field: fieldName(prefix, path), message: problem });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (path.length >= MAX_DEPTH) {
    if (!fields.some((f) => f.message === TOO_DEEP)) fields.push({ field: fieldName(prefix, path), message: TOO_DEEP });
    return;
  }
  // One path array, pushed and popped: the walk runs on every request.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], plan.child(i), path, prefix, fields);
      path.pop();
    }
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const key in value) {
      path.push(key);
      const problem = textProblem(key, false);
      if (problem) fields.push({ field: fieldName(prefix, path), message: `name ${problem}` });
      walk((value as Record<string, unknown>)[key], plan.child(key), path, prefix, fields);
      path.pop();
    }
  }
}
