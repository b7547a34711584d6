import { loadNativeUws } from '../../gateway/native';

/**
 * The bare uWebSockets.js baseline (issue 21): the same wire protocol as pocdojo's signaling, and
 * nothing else (no auth, no roles, no persistence, no rate limit). `room.join` subscribes the
 * socket to the room's topic; `chat.send` is parsed, acked and published once to that topic,
 * which every member subscribed to. What pocdojo spends beyond this is the cost of its features.
 */
interface Socket {
  topic?: string;
}

const uws = loadNativeUws();
const app = uws.App();
const seqs = new Map<string, number>();

app.ws<Socket>('/*', {
  maxPayloadLength: 64 * 1024,
  idleTimeout: 120,
  maxBackpressure: 1024 * 1024,
  upgrade: (res, req, context) => {
    // Echo the first offered protocol, as the gateway does (the clients offer 'pocdojo.v1').
    const protocol = (req.getHeader('sec-websocket-protocol') ?? '').split(',')[0]?.trim() ?? '';
    res.upgrade<Socket>({}, req.getHeader('sec-websocket-key'), protocol, req.getHeader('sec-websocket-extensions'), context);
  },
  open: (ws) => {
    ws.send(JSON.stringify({ method: 'session.welcome', data: { sessionId: 'bare', heartbeatMs: 60_000 } }));
  },
  message: (ws, message) => {
    const frame = JSON.parse(Buffer.from(message).toString('utf8')) as { id: number; method: string; data: { text: string; clientMsgId: string; dojoId: string } };
    const socket = ws.getUserData();
    if (frame.method === 'room.join') {
      if (socket.topic) ws.unsubscribe(socket.topic);
      socket.topic = `room/${frame.data.dojoId}`;
      ws.subscribe(socket.topic);
      ws.send(JSON.stringify({ id: frame.id, ok: true, data: { participants: [] } }));
      // The same announcement pocdojo makes to a filling room.
      app.publish(socket.topic, JSON.stringify({ method: 'participant.joined', data: { userId: String(frame.id) } }), false);
      return;
    }
    if (frame.method !== 'chat.send' || !socket.topic) {
      ws.send(JSON.stringify({ id: frame.id, ok: true, data: {} }));
      return;
    }
    const seq = (seqs.get(socket.topic) ?? 0) + 1;
    seqs.set(socket.topic, seq);
    const messageId = `${socket.topic}-${seq}`;
    const createdAt = new Date().toISOString();
    ws.send(JSON.stringify({ id: frame.id, ok: true, data: { messageId, createdAt } }));
    app.publish(socket.topic, JSON.stringify({ method: 'chat.message', data: { messageId, clientMsgId: frame.data.clientMsgId, text: frame.data.text, createdAt }, seq }), false);
  },
});

app.listen('127.0.0.1', 0, (listenSocket) => {
  if (!listenSocket) {
    process.stderr.write('uws baseline: cannot listen\n');
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ benchReady: { port: uws.us_socket_local_port(listenSocket), pid: process.pid } })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
