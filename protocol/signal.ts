import { z } from 'zod';
import { uuid } from './rest/common';
import { validatedLater } from './text';
import { validate } from './validation';
import { WS_METHODS, type WsData, type WsMethodOf, type WsServer } from './ws';

/**
 * The call between the gateway and the actor that serves a forwarded WebSocket method, and what
 * the gateway tells actors about its sessions. Both sides import these from here; neither
 * imports the other.
 */

/** One method with its parsed data: switching on `method` types `data`. */
export type SignalCall<S extends WsServer = 'dojo-room'> = { [M in WsMethodOf<S>]: { method: M; data: WsData<M> } }[WsMethodOf<S>];

/** Where a call comes from and which room it is for. */
export interface SignalEnvelope {
  /** The room the call is for: the one its data names, else the session's only room. */
  dojoId?: string;
  /**
   * With a call for a room the session is not in yet (a join): the rooms it is in that the same
   * action serves, so the actor can apply its policy (dojo-room leaves them).
   */
  rooms?: string[];
  sessionId: string;
  /** Node that holds the socket, so the room can fan out to it. */
  gatewayNodeId: string;
}

/** Params every forwarded method's action (`<server>.signal`) receives. */
export type SignalParams<S extends WsServer = 'dojo-room'> = SignalCall<S> & SignalEnvelope;

/**
 * The schema of `<server>.signal`'s params: the envelope, and `data` by its method's schema (the
 * same one the gateway parsed the frame with, text rule included). A gateway parses a frame once;
 * the action checks it with this only when it arrives from another node (see the validator).
 */
export function signalParamsSchema<S extends WsServer>(server: S): z.ZodType<SignalParams<S>> {
  const methods = (Object.keys(WS_METHODS) as Array<keyof typeof WS_METHODS>).filter((m) => WS_METHODS[m].server === server);
  return z
    .object({
      method: z.enum(methods as [string, ...string[]]),
      data: validatedLater(z.unknown()).optional(),
      dojoId: uuid.optional(),
      rooms: z.array(uuid).max(100).optional(),
      sessionId: z.string().min(1).max(64),
      gatewayNodeId: z.string().min(1).max(200),
    })
    .transform((params, ctx) => {
      const data = validate(WS_METHODS[params.method as keyof typeof WS_METHODS].data, params.data);
      if (data.ok) return { ...params, data: data.value };
      for (const field of data.fields) ctx.addIssue({ code: 'custom', path: ['data', ...(field.field ? field.field.split('.') : [])], message: field.message });
      return z.NEVER;
    }) as unknown as z.ZodType<SignalParams<S>>;
}

/**
 * What an action serving a WebSocket method returns: the reply data, plus instructions for the
 * gateway about the session's room topic.
 */
export interface SignalResult {
  data: unknown;
  /**
   * Subscribe the session to this room's push topic (after room.join). `seq` is the room's last
   * push when the reply was made: pushes after it that reached this node before the subscription
   * are sent right after the reply, so a joiner misses nothing.
   */
  join?: {
    dojoId: string;
    topic: string;
    seq?: number;
    /** Rooms the session left by joining this one (a dojo: one at a time per session). */
    left?: string[];
  };
  /** Unsubscribe the session from the room the call was for (after room.leave / kick). */
  leave?: boolean;
  /**
   * The node where the room is active (it holds the room's lease). The gateway sends the
   * session's next room calls straight there instead of to any dojo-room node.
   */
  owner?: string;
}

/** What actors learn about a signaling session (presence, room departure): the `gateway.session.*` events. */
export interface SessionEvent {
  sessionId: string;
  userId: string;
  tenantId: string;
  /** The session's first room (what nodes before multi-room sessions read). */
  dojoId?: string;
  /** Every room the session is in. */
  rooms?: string[];
  nodeId: string;
}

/** The `gateway.session.*` events' payload, as the actors that hear them check it. */
export const sessionEvent = z.object({
  sessionId: z.string(),
  userId: z.string(),
  tenantId: z.string(),
  dojoId: z.string().optional(),
  rooms: z.array(z.string()).max(100).optional(),
  nodeId: z.string(),
}) satisfies z.ZodType<SessionEvent>;
