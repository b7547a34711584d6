import type { ServiceBroker } from 'moleculer';
import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import { ErrorCode, type FieldError } from '../../protocol/errors';
import { validate } from '../../protocol/validation';
import { CloseCode } from '../../protocol/closeCodes';
import { userTopic, type PushFrame } from '../../protocol/push';
import { isWsMethod, RequestFrame, WS_METHODS, type ReplyFrame, type WsData } from '../../protocol/ws';
import type { Authenticator } from '../auth';
import type { Deadlines } from '../../infra/broker/deadlines';
import { mapError } from '../errors';
import { timedCall } from '../timed-call';
import { parseQuery } from '../http/query';
import { Exchange } from '../http/respond';
import type { Fanout } from './fanout';
import type { SignalCall, SignalParams, SignalResult } from '../../protocol/signal';
import { closeSocket, type Session, type SessionRegistry, type SocketData } from './sessions';
import { TokenBucket } from '../../infra/tokenBucket';

export interface WsOptions {
  broker: ServiceBroker;
  /** Deadlines of calls to actions hosted on this node (see forward). */
  deadlines: Deadlines;
  authenticator: Authenticator;
  sessions: SessionRegistry;
  fanout: Fanout;
  maxPayloadBytes: number;
  messagesPerSecond: number;
  idleTimeoutSeconds: number;
  requestTimeoutMs: number;
  observer: { frame(method: string, ok: boolean): void; failed(error: unknown, method: string): void };
}

const SUBPROTOCOL = 'pocdojo.v1';

/**
 * The signaling endpoint `/v1/ws` (DESIGN §6): JSON request/reply frames, server pushes,
 * session resume. Bad frames get an error reply and the socket stays open; a flood closes it.
 */
export function mountWebSocket(app: TemplatedApp, path: string, options: WsOptions): void {
  const { sessions } = options;
  app.ws<SocketData>(path, {
    maxPayloadLength: options.maxPayloadBytes,
    // Past this many buffered bytes a slow reader is dropped instead of growing our memory.
    maxBackpressure: 1024 * 1024,
    closeOnBackpressureLimit: 1,
    idleTimeout: options.idleTimeoutSeconds,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const protocols = (req.getHeader('sec-websocket-protocol') ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const key = req.getHeader('sec-websocket-key');
      const extensions = req.getHeader('sec-websocket-extensions');
      const queryToken = parseQuery(req.getQuery() ?? '').token;
      const token = protocols.find((p) => p.split('.').length === 3) ?? (typeof queryToken === 'string' ? queryToken : '');
      const result = token ? options.authenticator.verify(token) : ({ ok: false, message: 'Missing access token' } as const);
      if (!result.ok) {
        new Exchange(res, '', undefined).error(ErrorCode.UNAUTHORIZED, result.message);
        return;
      }
      // Browsers fail the handshake unless we echo one of the offered protocols.
      const chosen = protocols.includes(SUBPROTOCOL) ? SUBPROTOCOL : (protocols[0] ?? '');
      const session = sessions.open(result.auth, result.expiresAt);
      const burst = Math.max(10, options.messagesPerSecond * 2);
      res.upgrade<SocketData>({ session, bucket: new TokenBucket(options.messagesPerSecond, burst), closed: false }, key, chosen, extensions, context);
    },
    open: (ws) => {
      const { session } = ws.getUserData();
      session.socket = ws;
      // The user channel: pushes for the user (notification.new) reach every socket of theirs, in a room or not.
      ws.subscribe(userTopic(session.auth.tenantId, session.auth.userId));
      // expiresAt tells the client when to send session.refresh at the latest.
      ws.send(
        JSON.stringify({
          method: 'session.welcome',
          data: { sessionId: session.id, heartbeatMs: options.idleTimeoutSeconds * 500, expiresAt: session.expiresAt },
        } satisfies PushFrame<'session.welcome'>),
      );
    },
    message: (ws, message, isBinary) => {
      const data = ws.getUserData();
      // The registry's deadline tick closes an expired socket within a second or so; this makes
      // sure no frame is served in that gap on the strength of a dead token.
      if (data.session.expiresAt <= Date.now()) {
        closeSocket(ws, CloseCode.TOKEN_EXPIRED);
        return;
      }
      if (!data.bucket.take()) {
        // Sustained flooding, not a burst: hang up.
        if (data.bucket.refusedInARow > options.messagesPerSecond * 2) closeSocket(ws, CloseCode.POLICY_VIOLATION);
        else reply(ws, { id: isBinary ? null : frameId(message), ok: false, error: { code: ErrorCode.RATE_LIMITED, message: 'Too many messages; slow down' } });
        return;
      }
      if (isBinary) {
        reply(ws, { id: null, ok: false, error: { code: ErrorCode.BAD_FRAME, message: 'Frames must be JSON text' } });
        return;
      }
      const raw = Buffer.from(message).toString('utf8');
      void handleFrame(ws, raw, options);
    },
    close: (ws) => {
      const data = ws.getUserData();
      data.closed = true;
      // Only detach if this socket still carries the session (a resume may have moved it).
      if (data.session.socket === ws) sessions.detach(data.session);
    },
  });
}

/** The id of a refused frame, so the client knows which request to retry. */
function frameId(message: ArrayBuffer): string | number | null {
  try {
    const id = (JSON.parse(Buffer.from(message).toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' || typeof id === 'number' ? id : null;
  } catch {
    return null;
  }
}

function reply(ws: WebSocket<SocketData>, frame: ReplyFrame): void {
  if (ws.getUserData().closed) return;
  ws.cork(() => ws.send(JSON.stringify(frame)));
}

function fail(ws: WebSocket<SocketData>, id: ReplyFrame['id'], code: ErrorCode, message: string, fields?: FieldError[]): void {
  reply(ws, { id, ok: false, error: { code, message, ...(fields ? { fields } : {}) } });
}

async function handleFrame(ws: WebSocket<SocketData>, raw: string, options: WsOptions): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    fail(ws, null, ErrorCode.BAD_FRAME, 'Frame is not valid JSON');
    return;
  }
  const frame = validate(RequestFrame, parsed);
  if (!frame.ok) {
    const id = (parsed as { id?: unknown })?.id;
    fail(ws, typeof id === 'string' || typeof id === 'number' ? id : null, ErrorCode.BAD_FRAME, 'Frame must be {id, method, data}', frame.fields);
    return;
  }
  const { id, method } = frame.value;
  if (!isWsMethod(method)) {
    options.observer.frame('unknown', false);
    fail(ws, id, ErrorCode.UNKNOWN_METHOD, `Unknown method "${method}"`);
    return;
  }
  // The one parse of the frame's data on its way to the room (protocol/ws.ts declares the schema).
  const spec = WS_METHODS[method];
  const data = validate(spec.data, frame.value.data, 'data');
  if (!data.ok) {
    options.observer.frame(method, false);
    fail(ws, id, ErrorCode.VALIDATION_ERROR, 'Some fields are invalid', data.fields);
    return;
  }
  const socket = ws.getUserData();
  try {
    if (spec.server !== 'gateway') {
      if (!(await forward(ws, id, `${spec.server}.signal`, { method, data: data.value } as SignalCall, socket.session, options))) {
        options.observer.frame(method, false);
        return;
      }
    } else if (method === 'ping') {
      reply(ws, { id, ok: true, data: { pong: true, serverTime: Date.now() } });
    } else if (method === 'session.resume') {
      resume(ws, id, data.value as WsData<'session.resume'>, options);
    } else if (method === 'session.refresh') {
      refresh(ws, id, data.value as WsData<'session.refresh'>, options);
    } else {
      // A method declared for the gateway without a case here: a bug of ours, answered as one.
      throw new Error(`gateway method ${method} has no handler`);
    }
    options.observer.frame(method, true);
  } catch (error) {
    options.observer.frame(method, false);
    const mapped = mapError(error);
    if (mapped.internal) options.observer.failed(error, method);
    fail(ws, id, mapped.code, mapped.message, mapped.fields);
  }
}

/**
 * Calls the method's action and replies; false when the request timeout passed first (the client
 * was told TIMEOUT, and the late result, a join included, is dropped as Moleculer's timeout would).
 * Held to the request timeout as REST calls are (gateway/timed-call.ts).
 */
async function forward(ws: WebSocket<SocketData>, id: ReplyFrame['id'], action: string, signal: SignalCall, session: Session, options: WsOptions): Promise<boolean> {
  const { method } = signal;
  const roomId = session.roomFor(signal.data);
  const room = roomId === undefined ? undefined : session.rooms.get(roomId);
  // A room method may name its room (a session in several), but only one the session joined:
  // the room re-admits a session the gateway says is in it (after a failover), so the gateway
  // must not say so for a room the client merely named.
  if (roomId !== undefined && !room && method !== 'room.join') {
    throw Object.assign(new Error('Join the room first'), { type: ErrorCode.BAD_REQUEST });
  }
  const params: SignalParams = { ...signal, dojoId: roomId, sessionId: session.id, gatewayNodeId: options.broker.nodeID };
  if (roomId !== undefined && !room) {
    const others = [...session.rooms].filter(([, r]) => r.action === action).map(([id]) => id);
    if (others.length > 0) params.rooms = others;
  }
  let expired = false;
  const callOptions = { timeoutMs: options.requestTimeoutMs, meta: { auth: session.auth, sessionId: session.id }, preferNode: room?.owner };
  const call = timedCall(options.broker, options.deadlines, action, params, callOptions, () => {
    expired = true;
    fail(ws, id, ErrorCode.TIMEOUT, 'The service did not answer in time');
  });
  let result: SignalResult;
  try {
    result = (await call.result) as SignalResult;
  } catch (error) {
    if (expired) return false;
    throw error;
  } finally {
    call.deadline?.settle();
  }
  if (expired) return false;
  const socket = session.socket;
  let caughtUp: string[] = [];
  if (socket && !socket.getUserData().closed) {
    // Only the entry this call was made in: a join answered meanwhile (a client that re-joined
    // without waiting for its leave's answer) made a new entry on the same topic, which stays.
    if (result.leave && room && roomId !== undefined && session.rooms.get(roomId) === room) session.leave(socket, room.topic);
    if (result.join) {
      const { dojoId, topic, seq, left } = result.join;
      for (const id of left ?? []) {
        const gone = session.rooms.get(id);
        if (gone && gone.topic !== topic) session.leave(socket, gone.topic);
      }
      socket.subscribe(topic);
      session.rooms.set(dojoId, { topic, action });
      if (seq !== undefined) caughtUp = options.fanout.replay(topic, seq) ?? [];
    }
  }
  const answered = session.rooms.get(result.join?.dojoId ?? roomId ?? '');
  if (answered && result.owner) answered.owner = result.owner;
  reply(ws, { id, ok: true, data: result.data ?? {} });
  if (caughtUp.length > 0 && !ws.getUserData().closed) ws.cork(() => caughtUp.forEach((frame) => ws.send(frame)));
  return true;
}

/**
 * What a resumed session missed, room by room (each room has its own seq); null when a room's
 * buffer no longer reaches back far enough, or a session in several rooms did not say where it
 * was in each (lastSeqs).
 */
function missedFrames(session: Session, request: WsData<'session.resume'>, fanout: Fanout): string[] | null {
  const missed: string[] = [];
  for (const [roomId, room] of session.rooms) {
    const lastSeq = request.lastSeqs?.[roomId] ?? (session.rooms.size === 1 ? request.lastSeq : undefined);
    const frames = lastSeq === undefined ? null : fanout.replay(room.topic, lastSeq);
    if (frames === null) return null;
    missed.push(...frames);
  }
  return missed;
}

function resume(ws: WebSocket<SocketData>, id: ReplyFrame['id'], request: WsData<'session.resume'>, options: WsOptions) {
  const socket = ws.getUserData();
  const old = options.sessions.get(request.sessionId);
  if (!old) {
    fail(ws, id, ErrorCode.RESUME_EXPIRED, 'Session is gone; join again');
    return;
  }
  const missed = missedFrames(old, request, options.fanout);
  if (missed === null) {
    fail(ws, id, ErrorCode.RESUME_EXPIRED, 'Too much was missed; join again');
    return;
  }
  const session = options.sessions.resume(old, socket.session);
  if (!session) {
    fail(ws, id, ErrorCode.FORBIDDEN, 'Session belongs to someone else');
    return;
  }
  socket.session = session;
  for (const room of session.rooms.values()) ws.subscribe(room.topic);
  ws.cork(() => {
    for (const frame of missed) ws.send(frame);
    ws.send(JSON.stringify({ id, ok: true, data: { sessionId: session.id, replayed: missed.length } }));
  });
}

function refresh(ws: WebSocket<SocketData>, id: ReplyFrame['id'], request: WsData<'session.refresh'>, options: WsOptions) {
  const result = options.authenticator.verify(request.token);
  if (!result.ok) {
    fail(ws, id, ErrorCode.UNAUTHORIZED, result.message);
    return;
  }
  if (!options.sessions.refresh(ws.getUserData().session, result.auth, result.expiresAt)) {
    fail(ws, id, ErrorCode.FORBIDDEN, 'Token belongs to another login session');
    return;
  }
  reply(ws, { id, ok: true, data: { expiresAt: result.expiresAt } });
}
