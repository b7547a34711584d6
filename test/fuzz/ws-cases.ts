import fc from 'fast-check';
import { WS_METHODS } from '../../protocol/ws';
import { badJsonBody, hostileValue, mutated, oddText, toJsonText } from './hostile';
import { validShaped, type KnownValues } from './schema-arbitrary';

/** One WebSocket text frame as the fuzz sends it and the corpus keeps it. */
export interface WsCase {
  frame: string;
}

/** Frames above this are the transport's business (uWS closes the socket), not the protocol's. */
export const MAX_FRAME_BYTES = 200 * 1024;

const METHODS = Object.keys(WS_METHODS) as Array<keyof typeof WS_METHODS>;

const frameId: fc.Arbitrary<string | number> = fc.oneof(fc.nat(), fc.string({ minLength: 1, maxLength: 64 }));
const oddId: fc.Arbitrary<unknown> = fc.oneof(hostileValue, fc.constantFrom(1.5, -1, 2 ** 60, 'x'.repeat(65), { id: 1 }, [1]));
const oddMethod: fc.Arbitrary<string> = fc.oneof(
  oddText,
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'room', 'room.', 'ROOM.JOIN', 'room.join ', 'gateway.publish', 'dojo-room.signal', 'media.', 'x'.repeat(65)),
);

function methodData(method: keyof typeof WS_METHODS, known: KnownValues): fc.Arbitrary<unknown> {
  return validShaped(WS_METHODS[method].data, known);
}

/** A request frame of any method with data of the method's shape. */
function validFrame(known: KnownValues): fc.Arbitrary<unknown> {
  return fc.constantFrom(...METHODS).chain((method) => fc.record({ id: frameId, method: fc.constant(method), data: methodData(method, known) }));
}

/** Well-formed frames with hostile data, ids or methods; and text that is not a frame at all. */
function hostileFrame(known: KnownValues): fc.Arbitrary<string> {
  return fc.oneof(
    fc
      .constantFrom(...METHODS)
      .chain((method) => fc.record({ id: frameId, method: fc.constant(method), data: mutated(methodData(method, known)) }))
      .map(toJsonText),
    fc.record({ id: oddId, method: fc.oneof(fc.constantFrom<string>(...METHODS), oddMethod), data: hostileValue }, { requiredKeys: [] }).map(toJsonText),
    badJsonBody,
  );
}

export function wsCase(known: KnownValues): fc.Arbitrary<WsCase> {
  return fc
    .oneof(
      validFrame(known).map((f) => JSON.stringify(f)),
      hostileFrame(known),
    )
    .filter((frame) => Buffer.byteLength(frame) <= MAX_FRAME_BYTES)
    .map((frame) => ({ frame }));
}

/** The id the reply must carry: the frame's own when it has a usable one, null otherwise. */
export function expectedReplyId(frame: string): string | number | null {
  try {
    const id = (JSON.parse(frame) as { id?: unknown } | null)?.id;
    if (typeof id === 'string') return id;
    // JSON has no Infinity: an id that overflows comes back as null.
    if (typeof id === 'number') return Number.isFinite(id) ? id : null;
    return null;
  } catch {
    return null;
  }
}

/** The method a frame names, if it parses. */
export function frameMethod(frame: string): string | undefined {
  try {
    const method = (JSON.parse(frame) as { method?: unknown } | null)?.method;
    return typeof method === 'string' ? method : undefined;
  } catch {
    return undefined;
  }
}
