import { Validators, type ActionSchema, type Context, type EventSchema, type ServiceBroker } from 'moleculer';
import type { z } from 'zod';
import { validate } from '../../protocol/validation';
import { FieldValidationError } from '../errors';

/**
 * What an action's or event's `params` holds: a zod schema, behind a function.
 *
 * Not the schema itself: Moleculer deep-clones every action and event definition (lodash
 * `cloneDeep`, when it builds the action and again when it applies mixins), and a cloned zod
 * schema is a broken copy (its internals are not enumerable). A function is kept as it is, so
 * the schema survives; and the service descriptor every node sends to the others carries
 * `{ remoteOnly }` rather than kilobytes of schema internals.
 */
export type ZodParams<S extends z.ZodType = z.ZodType> = {
  readonly schema: () => S;
  /** See `remoteOnly()`. */
  readonly remoteOnly: boolean;
};

/** An action's or event's params, checked with `schema` on every call, whoever makes it. */
export function zodParams<S extends z.ZodType>(schema: S): ZodParams<S> {
  return { schema: () => schema, remoteOnly: false };
}

/**
 * Params checked only on calls from another node. A call made on this node (ctx.nodeID is this
 * broker's) reaches the handler as it was sent, not parsed: for a hot action whose callers on
 * the same node already parsed the input with this schema at the edge (the gateway's frame
 * validation), so it is not parsed twice. A call from any other node is parsed as usual: a node
 * never trusts another's input.
 */
export function remoteOnly<S extends z.ZodType>(schema: S): ZodParams<S> {
  return { schema: () => schema, remoteOnly: true };
}

function isZodParams(value: unknown): value is ZodParams {
  return typeof value === 'object' && value !== null && typeof (value as ZodParams).schema === 'function';
}

/** Parses `value` with the schema: its output (defaults, coercions, trims), or the fields that are wrong. */
function parse(params: ZodParams, value: unknown): unknown {
  const result = validate(params.schema(), value ?? {});
  if (!result.ok) throw new FieldValidationError(result.fields);
  return result.value;
}

type Handler = (ctx: Context) => unknown;
type Declared = (ActionSchema | EventSchema) & { name?: string; service?: { name?: string } };

/**
 * Moleculer's validator for zod: an action's or event's `params` is a `zodParams(schema)` (or
 * `remoteOnly(schema)`). Each call's params are parsed before the handler runs and replaced by the
 * parsed output; a call that does not fit fails with FieldValidationError, its fields named by
 * path as the gateway names them (protocol/validation.ts), and every string held to the text rule.
 *
 * One schema language: a service whose `params` is anything else (a fastest-validator object)
 * fails when it is created. Only Moleculer's own services (`$node`) keep theirs, checked by
 * Moleculer's stock validator.
 */
export class ZodValidator extends Validators.Base {
  readonly #builtin = new Validators.Fastest();

  override init(broker: ServiceBroker): void {
    super.init(broker);
    this.#builtin.init(broker);
  }

  /** A checker for `params`: returns the parsed params or throws FieldValidationError. */
  override compile(params: ZodParams): (value: unknown) => unknown {
    return (value) => parse(params, value);
  }

  override validate(value: unknown, params: ZodParams): boolean {
    parse(params, value);
    return true;
  }

  override convertSchemaToMoleculer(): Record<string, never> {
    return {};
  }

  // The stock middleware passes the checked params on untouched; this one hands the handler the
  // parsed output. Typed loosely: Moleculer's declaration says a function of no argument, its code
  // passes the broker (the one whose nodeID `remoteOnly` compares) and takes an object.
  override middleware(broker?: ServiceBroker): never {
    if (!broker) throw new Error('ZodValidator: Moleculer passes the broker to middleware()');
    type Stock = Record<'localAction' | 'localEvent', (handler: Handler, declared: Declared) => Handler>;
    const builtin = (this.#builtin.middleware as unknown as (this: unknown, b: ServiceBroker) => Stock).call(this.#builtin, broker);
    const wrap =
      (kind: 'localAction' | 'localEvent') =>
      (handler: Handler, declared: Declared): Handler => {
        const params: unknown = declared.params;
        if (params === undefined || params === null) return handler;
        if (!isZodParams(params)) {
          if (declared.service?.name?.startsWith('$')) return builtin[kind](handler, declared);
          throw new Error(`${declared.name ?? 'an action'}: params must be zodParams(schema) or remoteOnly(schema) (infra/broker/zodValidator.ts)`);
        }
        const checked = (ctx: Context): unknown => {
          try {
            ctx.params = parse(params, ctx.params);
          } catch (error) {
            return Promise.reject(error);
          }
          return handler(ctx);
        };
        if (!params.remoteOnly) return checked;
        return (ctx) => (ctx.nodeID === broker.nodeID ? handler(ctx) : checked(ctx));
      };
    return { name: 'Validator', localAction: wrap('localAction'), localEvent: wrap('localEvent') } as never;
  }
}
