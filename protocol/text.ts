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
  walk(value, concrete([schema]), [], prefix, fields);
  return fields;
}

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

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
      case 'optional': case 'nullable': case 'default': case 'prefault': case 'catch': case 'readonly': case 'nonoptional':
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
      const child = (def.shape as Record<string, z.ZodType>)[key as string] ?? (def.catchall as z.ZodType | undefined);
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

function walk(value: unknown, schemas: z.ZodType[], path: PropertyKey[], prefix: string, fields: FieldError[]): void {
  if (schemas.length > 0 && schemas.every((s) => VALIDATED_LATER.has(s))) return;
  if (path.length > MAX_DEPTH) {
    if (typeof value === 'object' && value !== null && !fields.some((f) => f.message === TOO_DEEP)) {
      fields.push({ field: fieldName(prefix, path.slice(0, MAX_DEPTH)), message: TOO_DEEP });
    }
  } else if (typeof value === 'string') {
    // Untyped content (`z.unknown()`, e.g. a frame's data before its method's schema, RTP
    // parameters) is checked with the free-text rule: the typed schema, if any, is stricter.
    const multiline = schemas.some((s) => FREE_TEXT.has(s) || defOf(s).type === 'unknown' || defOf(s).type === 'any');
    const problem = textProblem(value, multiline);
    if (problem) fields.push({ field: fieldName(prefix, path), message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, children(schemas, i), [...path, i], prefix, fields));
  } else if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      const problem = textProblem(key, false);
      if (problem) fields.push({ field: fieldName(prefix, [...path, key]), message: `name ${problem}` });
      walk(item, children(schemas, key), [...path, key], prefix, fields);
    }
  }
}
