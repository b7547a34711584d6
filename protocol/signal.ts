import type { WsMethod } from './ws';

/**
 * The call between the gateway and the actor that serves a forwarded WebSocket method, and what
 * the gateway tells actors about its sessions. Both sides import these from here; neither
 * imports the other.
 */

/** Params every forwarded method's action receives. */
export interface SignalParams {
  method: WsMethod;
  data: unknown;
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
