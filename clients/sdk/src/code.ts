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
  /** `generation`: the document generation the update was made against. */
  sendUpdate(update: string, generation: number): Promise<unknown>;
  sendAwareness(state: string): Promise<unknown>;
  /** A send failed for a reason retrying cannot fix (an observer, classroom mode). */
  refused(error: PocdojoError): void;
  /** The document was replaced by the server's next generation (code.reset): bind the editor to the new `doc`. */
  reloaded?(): void;
  /** Join the room again: an edit was refused as stale and no code.reset followed. */
  resync?(): void;
}

/** How long a refused stale edit waits for the code.reset already on its way before the room is joined again. */
const RESET_GRACE_MS = 2_000;

/**
 * The room's Yjs document and awareness, kept in step with the server. Local edits go out as
 * `code.update`; an update not yet acknowledged stays pending and is sent again (merged) after a
 * reconnect: Yjs applies an update any number of times with the same result, so a resend can
 * never duplicate text. After a rejoin, `sync` applies the server's whole state and sends back
 * only what the server lacks (the difference against its state vector).
 *
 * The server compacts a document whose history grew long into a new one, its next generation
 * (code.reset): `reset` loads it and makes the edits the server had not acknowledged again on it,
 * so `doc`, `text` and `awareness` are new objects afterwards (`reloaded` says so).
 *
 * Bind an editor as to any Yjs provider: `new MonacoBinding(code.text, model, editors, code.awareness)`,
 * `yCollab(code.text, code.awareness)` for CodeMirror 6.
 */
export class SharedCode {
  doc!: Y.Doc;
  text!: Y.Text;
  awareness!: awarenessProtocol.Awareness;
  readonly #channel: CodeChannel;
  #pending: Uint8Array[] = [];
  #sending = false;
  #online = false;
  #readOnly = false;
  #generation = 0;
  /** An edit refused as made against an older generation, not yet re-made on the new one. */
  #staleRefused = false;

  constructor(channel: CodeChannel, doc: Y.Doc = new Y.Doc()) {
    this.#channel = channel;
    this.#attach(doc);
  }

  /** The document generation edits are made against. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * After a (re)join: takes the server's whole document, then sends what only we have (edits
   * made while disconnected, or never acknowledged). Pending updates are covered by that
   * difference, so they are dropped rather than sent twice.
   */
  sync(serverState: string, awarenessState: string | null, generation = 0): void {
    if (generation !== this.#generation) {
      // The server compacted the document while we were away. What we missed cannot be told
      // apart from what we typed, so unacknowledged edits are reported, not guessed at.
      if (this.pending || this.#staleRefused) this.#channel.refused(new PocdojoError('CONFLICT', 'The code was compacted while edits were not yet saved: they were not applied'));
      this.#replace(generation, serverState, false);
      this.#online = true;
      if (awarenessState) awarenessProtocol.applyAwarenessUpdate(this.awareness, fromBase64(awarenessState), REMOTE);
      this.#sendLocalAwareness();
      return;
    }
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

  /**
   * A code.reset push: the server rebuilt the document as `generation` from its text. Pushes come
   * in order, so we had every edit of the old generation: whatever our text has beyond the
   * server's is our own unacknowledged edit, made again on the new document and sent.
   */
  reset(generation: number, serverState: string): void {
    if (generation <= this.#generation) return;
    this.#replace(generation, serverState, true);
    this.#sendLocalAwareness();
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
    this.#detach();
  }

  #attach(doc: Y.Doc): void {
    this.doc = doc;
    this.text = doc.getText(CODE_TEXT);
    this.awareness = new awarenessProtocol.Awareness(doc);
    doc.on('update', this.#onLocalUpdate);
    this.awareness.on('update', this.#onAwareness);
  }

  #detach(): void {
    this.doc.off('update', this.#onLocalUpdate);
    this.awareness.off('update', this.#onAwareness);
    // Stops the awareness renewal timer (it would keep a Node process alive).
    this.awareness.destroy();
  }

  // The reset is normally already on its way; if none comes (the room moved and lost a
  // compaction it had not stored), joining again brings the server's generation.
  #awaitReset(): void {
    if (this.#staleRefused) return;
    this.#staleRefused = true;
    const generation = this.#generation;
    const timer = setTimeout(() => {
      if (this.#staleRefused && generation === this.#generation) this.#channel.resync?.();
    }, RESET_GRACE_MS);
    (timer as { unref?: () => void }).unref?.();
  }

  // Swaps in the server's new generation; `rebase`: our text's difference from it is made again on it.
  #replace(generation: number, serverState: string, rebase: boolean): void {
    const mine = this.text.toString();
    const local = this.awareness.getLocalState();
    this.#detach();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, fromBase64(serverState), REMOTE);
    this.#pending = [];
    this.#staleRefused = false;
    this.#generation = generation;
    this.#attach(doc);
    if (local) this.awareness.setLocalState(local);
    if (rebase) reapply(this.text, mine);
    this.#channel.reloaded?.();
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
    const generation = this.#generation;
    this.#channel.sendUpdate(toBase64(update), generation).then(
      () => {
        this.#sending = false;
        this.#flush();
      },
      (error: unknown) => {
        this.#sending = false;
        if (generation !== this.#generation || isStaleGeneration(error)) {
          // Made against a generation the server left: the reset makes it again on the new one
          // (or already did), so this copy is dropped.
          if (generation === this.#generation) this.#awaitReset();
          this.#flush();
          return;
        }
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

/** The server refused an edit as made against an older document generation. */
function isStaleGeneration(error: unknown): boolean {
  return error instanceof PocdojoError && error.code === 'CONFLICT' && error.fields.some((f) => f.field === 'data.generation');
}

/** Edits `text` into `wanted` as one replacement of the stretch between their common start and end. */
export function reapply(text: Y.Text, wanted: string): void {
  const current = text.toString();
  if (current === wanted) return;
  let start = 0;
  while (start < current.length && start < wanted.length && current[start] === wanted[start]) start++;
  let end = 0;
  while (end < current.length - start && end < wanted.length - start && current[current.length - 1 - end] === wanted[wanted.length - 1 - end]) end++;
  text.doc?.transact(() => {
    text.delete(start, current.length - start - end);
    text.insert(start, wanted.slice(start, wanted.length - end));
  });
}

/** An update that changes nothing is two zero bytes (no structs, empty delete set). */
function hasContent(update: Uint8Array): boolean {
  return !(update.length === 2 && update[0] === 0 && update[1] === 0);
}
