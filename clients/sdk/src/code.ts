import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { fromBase64, toBase64 } from './base64';
import { PocdojoError } from './errors';

/** The shared text's name in the room's document (the dojo room's CODE_TEXT): bind an editor to `doc.getText('code')`. */
export const CODE_TEXT = 'code';

/** Marks what came from the server, so it is not sent back. */
const REMOTE = Symbol('pocdojo-remote');

/** How SharedCode talks to the room: one call per method, the room adds which room it is. */
export interface CodeChannel {
  sendUpdate(update: string): Promise<unknown>;
  sendAwareness(state: string): Promise<unknown>;
  /** A send failed for a reason retrying cannot fix (an observer, classroom mode). */
  refused(error: PocdojoError): void;
}

/**
 * The room's Yjs document and awareness, kept in step with the server. Local edits go out as
 * `code.update`; an update not yet acknowledged stays pending and is sent again (merged) after a
 * reconnect: Yjs applies an update any number of times with the same result, so a resend can
 * never duplicate text. After a rejoin, `sync` applies the server's whole state and sends back
 * only what the server lacks (the difference against its state vector).
 *
 * Bind an editor as to any Yjs provider: `new MonacoBinding(code.text, model, editors, code.awareness)`,
 * `yCollab(code.text, code.awareness)` for CodeMirror 6.
 */
export class SharedCode {
  readonly doc: Y.Doc;
  readonly text: Y.Text;
  readonly awareness: awarenessProtocol.Awareness;
  readonly #channel: CodeChannel;
  #pending: Uint8Array[] = [];
  #sending = false;
  #online = false;
  #readOnly = false;

  constructor(channel: CodeChannel, doc: Y.Doc = new Y.Doc()) {
    this.#channel = channel;
    this.doc = doc;
    this.text = doc.getText(CODE_TEXT);
    this.awareness = new awarenessProtocol.Awareness(doc);
    doc.on('update', this.#onLocalUpdate);
    this.awareness.on('update', this.#onAwareness);
  }

  /**
   * After a (re)join: takes the server's whole document, then sends what only we have (edits
   * made while disconnected, or never acknowledged). Pending updates are covered by that
   * difference, so they are dropped rather than sent twice.
   */
  sync(serverState: string, awarenessState: string | null): void {
    const state = fromBase64(serverState);
    Y.applyUpdate(this.doc, state, REMOTE);
    if (awarenessState) awarenessProtocol.applyAwarenessUpdate(this.awareness, fromBase64(awarenessState), REMOTE);
    const missing = Y.encodeStateAsUpdate(this.doc, Y.encodeStateVectorFromUpdate(state));
    this.#pending = hasContent(missing) ? [missing] : [];
    this.#online = true;
    this.#flush();
    this.#sendLocalAwareness();
  }

  /** After a resume: the server kept our session; what it may not have got is still pending. */
  resumed(): void {
    this.#online = true;
    this.#flush();
    this.#sendLocalAwareness();
  }

  /** The room moved to another node, which may have lost the last edits: send our whole state (idempotent). */
  resend(): void {
    this.#pending = [Y.encodeStateAsUpdate(this.doc)];
    this.#flush();
  }

  offline(): void {
    this.#online = false;
  }

  /**
   * A breakout room's time is up (room.updated readOnly): the server refuses edits, so none is
   * sent. Local edits made meanwhile stay pending and go out if the time is extended; an app
   * makes its editor read-only (Room's `readOnly` event) so there are none.
   */
  setReadOnly(readOnly: boolean): void {
    this.#readOnly = readOnly;
    this.#flush();
  }

  get readOnly(): boolean {
    return this.#readOnly;
  }

  /** A code.update push (our own edits come back too: applying them again changes nothing). */
  applyRemote(update: string): void {
    Y.applyUpdate(this.doc, fromBase64(update), REMOTE);
  }

  applyRemoteAwareness(state: string): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, fromBase64(state), REMOTE);
  }

  /** Whether local edits are still waiting for the server's acknowledgement. */
  get pending(): boolean {
    return this.#pending.length > 0 || this.#sending;
  }

  close(): void {
    this.doc.off('update', this.#onLocalUpdate);
    this.awareness.off('update', this.#onAwareness);
    // Stops the awareness renewal timer (it would keep a Node process alive).
    this.awareness.destroy();
  }

  readonly #onLocalUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === REMOTE) return;
    this.#pending.push(update);
    this.#flush();
  };

  readonly #onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === REMOTE || !this.#online) return;
    if (![...added, ...updated, ...removed].includes(this.doc.clientID)) return;
    this.#sendLocalAwareness();
  };

  #sendLocalAwareness(): void {
    if (!this.#online || this.awareness.getLocalState() === null) return;
    const state = toBase64(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
    // Cursors are ephemeral: a lost one is replaced by the next, or by the renewal within 15 s.
    this.#channel.sendAwareness(state).catch(() => {});
  }

  /** Sends what is pending as one merged update, one send at a time. */
  #flush(): void {
    if (this.#sending || !this.#online || this.#readOnly || this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#sending = true;
    const update = batch.length === 1 ? (batch[0] as Uint8Array) : Y.mergeUpdates(batch);
    this.#channel.sendUpdate(toBase64(update)).then(
      () => {
        this.#sending = false;
        this.#flush();
      },
      (error: unknown) => {
        this.#sending = false;
        if (error instanceof PocdojoError && !error.retryable) {
          this.#channel.refused(error);
          return;
        }
        // Not acknowledged: keep it for the next flush (after the reconnect, or the next edit).
        this.#pending.unshift(update);
        if (error instanceof PocdojoError && (error.code === 'CONNECTION_LOST' || error.code === 'NOT_CONNECTED')) this.#online = false;
        else setTimeout(() => this.#flush(), 500);
      },
    );
  }
}

/** An update that changes nothing is two zero bytes (no structs, empty delete set). */
function hasContent(update: Uint8Array): boolean {
  return !(update.length === 2 && update[0] === 0 && update[1] === 0);
}
