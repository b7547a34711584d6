import WebSocket from 'ws';
import * as Y from 'yjs';
import { reapply } from '../../clients/sdk/src/code';
import { noteError, type FrameCounts, type LoadCounts } from './plan';

interface Reply {
  id: number;
  ok: boolean;
  error?: { code: string; message: string };
}

/** One member's socket. Pushes are counted by their opening bytes: parsing 20 copies of each would load the client, not the server. */
class MemberSocket {
  readonly #pending = new Map<number, (reply: Reply) => void>();
  #nextId = 1;
  #closing = false;

  constructor(
    readonly ws: WebSocket,
    readonly counts: LoadCounts,
    readonly onReset: (generation: number, code: string) => void,
  ) {
    counts.socketsOpen++;
    ws.on('message', (raw) => this.#receive(raw.toString()));
    ws.on('close', (code, reason) => {
      this.counts.socketsOpen--;
      if (this.#closing) return;
      this.counts.socketsLost++;
      noteError(this.counts, `socket closed by the server: ${code} ${reason.toString()}`);
      for (const resolve of this.#pending.values()) resolve({ id: 0, ok: false, error: { code: 'CLOSED', message: 'socket closed' } });
      this.#pending.clear();
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  request(method: string, data: unknown): Promise<Reply> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, data }));
    });
  }

  close(): void {
    this.#closing = true;
    this.ws.terminate();
  }

  #receive(text: string): void {
    if (text.startsWith('{"method":"chat.message"')) this.counts.chat.delivered++;
    else if (text.startsWith('{"method":"code.update"')) this.counts.code.delivered++;
    else if (text.startsWith('{"method":"code.reset"')) {
      const { generation, code } = (JSON.parse(text) as { data: { generation: number; code: string } }).data;
      this.onReset(generation, code);
    } else if (!text.startsWith('{"method"')) {
      const reply = JSON.parse(text) as Reply;
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    }
  }
}

function connect(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['pocdojo.v1', token], { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket upgrade answered HTTP ${res.statusCode}`)));
  });
}

/**
 * A dojo full of members who chat and edit the shared code in turn. The room's code is one Yjs
 * document on the client side: each edit is made on it and sent by the next member, so no member
 * needs a document of its own, and the text is kept near a few KB by deleting as much as is typed.
 */
export class SoakRoom {
  #doc = new Y.Doc();
  #generation = 0;
  /** What the server was sent (or had) of #doc: the next edit sends the rest. */
  #sent = Y.encodeStateVector(this.#doc);
  #turn = 0;
  #chatSeq = 0;

  private constructor(
    readonly dojoId: string,
    readonly members: MemberSocket[],
    readonly counts: LoadCounts,
  ) {}

  static async open(wsUrl: string, dojoId: string, tokens: string[], counts: LoadCounts): Promise<SoakRoom> {
    const members: MemberSocket[] = [];
    const room = new SoakRoom(dojoId, members, counts);
    for (const ws of await Promise.all(tokens.map((token) => connect(wsUrl, token)))) members.push(new MemberSocket(ws, counts, (g, code) => room.#reset(g, code)));
    const joins = await Promise.all(members.map((m) => m.request('room.join', { dojoId })));
    const refused = joins.find((r) => !r.ok);
    if (refused) throw new Error(`room.join refused: ${JSON.stringify(refused.error)}`);
    return room;
  }

  // The server compacted the code (every member is told; the first copy counts): edit the new
  // generation, with the edits it refused or has not seen yet made again on it, as the SDK does.
  #reset(generation: number, code: string): void {
    if (generation <= this.#generation) return;
    const mine = this.#doc.getText('code').toString();
    this.#doc.destroy();
    this.#doc = new Y.Doc();
    Y.applyUpdate(this.#doc, Buffer.from(code, 'base64'));
    this.#sent = Y.encodeStateVector(this.#doc);
    this.#generation = generation;
    this.counts.codeResets++;
    reapply(this.#doc.getText('code'), mine);
  }

  chat(): void {
    const seq = ++this.#chatSeq;
    this.#send(this.counts.chat, 'chat.send', { text: `soak message ${seq} in ${this.dojoId.slice(0, 8)}`, clientMsgId: `soak-${this.dojoId.slice(0, 8)}-${seq}` });
  }

  edit(): void {
    const text = this.#doc.getText('code');
    this.#doc.transact(() => {
      text.insert(Math.floor(Math.random() * (text.length + 1)), `let x${this.#turn} = ${this.#turn};\n`);
      if (text.length > 4_000) text.delete(Math.floor(Math.random() * (text.length - 200)), 200);
    });
    const update = Buffer.from(Y.encodeStateAsUpdate(this.#doc, this.#sent)).toString('base64');
    this.#sent = Y.encodeStateVector(this.#doc);
    this.#send(this.counts.code, 'code.update', { update, generation: this.#generation });
  }

  close(): void {
    for (const m of this.members) m.close();
  }

  #send(counts: FrameCounts, method: string, data: unknown): void {
    const open = this.members.filter((m) => m.open);
    const sender = open[this.#turn++ % Math.max(1, open.length)];
    if (!sender) return;
    counts.sent++;
    void sender.request(method, data).then((reply) => {
      if (!reply.ok) {
        counts.refused++;
        noteError(this.counts, `${method}: ${reply.error?.code} ${reply.error?.message}`);
        return;
      }
      counts.acked++;
      // Every open member, the sender too, is owed the push.
      counts.expected += this.members.filter((m) => m.open).length;
    });
  }
}
