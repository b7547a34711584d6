import { WebSocketServer } from 'ws';

/**
 * The baseline: the same fan-out on the `ws` library, with nothing else (no auth, no room
 * logic, no persistence): a chat.send is acked and its chat.message sent to every socket.
 */
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
let seq = 0;
wss.on('connection', (socket) => {
  socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as { id: number; method: string; data: { text: string; clientMsgId: string } };
    if (frame.method !== 'chat.send') return socket.send(JSON.stringify({ id: frame.id, ok: true, data: {} }));
    seq++;
    const push = JSON.stringify({ method: 'chat.message', data: { messageId: String(seq), clientMsgId: frame.data.clientMsgId, text: frame.data.text }, seq });
    for (const client of wss.clients) client.send(push);
    socket.send(JSON.stringify({ id: frame.id, ok: true, data: { messageId: String(seq) } }));
  });
});
wss.on('listening', () => {
  const address = wss.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ benchReady: { port, pid: process.pid } })}\n`);
});
process.once('SIGTERM', () => wss.close(() => process.exit(0)));
