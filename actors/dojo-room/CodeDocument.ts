import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { generationOf, structCount } from './CodeGeneration';
import { FieldValidationError } from './errors';

/** The shared text every client edits; clients bind their editor to `doc.getText('code')`. */
export const CODE_TEXT = 'code';

/**
 * The room's Yjs document and awareness (cursors, selections). Updates are validated by
 * decoding them before they touch the document, so a malformed one is refused whole instead of
 * half-applied.
 */
export class CodeDocument {
  readonly #doc = new Y.Doc({ gc: true });
  readonly #awareness: awarenessProtocol.Awareness;
  /** Awareness client ids each session announced, so they can be cleared when it leaves. */
  readonly #clientsBySession = new Map<string, Set<number>>();
  #closed = false;

  constructor(state: Uint8Array | null = null, updates: readonly Uint8Array[] = []) {
    if (state) Y.applyUpdate(this.#doc, state);
    for (const update of updates) Y.applyUpdate(this.#doc, update);
    this.#awareness = new awarenessProtocol.Awareness(this.#doc);
    // The server is no editor: it has no awareness state of its own.
    this.#awareness.setLocalState(null);
  }

  /** Applies a client's update; throws a field error naming `data.update` when it is not one. */
  apply(update: Uint8Array): void {
    try {
      Y.decodeUpdate(update);
    } catch {
      throw new FieldValidationError([{ field: 'data.update', message: 'is not a Yjs update' }]);
    }
    Y.applyUpdate(this.#doc, update, 'client');
  }

  /** Applies a session's awareness update; returns it unchanged for fan-out. */
  applyAwareness(sessionId: string, update: Uint8Array): void {
    const changed: number[] = [];
    const listener = ({ added, updated }: { added: number[]; updated: number[] }) => changed.push(...added, ...updated);
    this.#awareness.on('update', listener);
    try {
      awarenessProtocol.applyAwarenessUpdate(this.#awareness, update, sessionId);
    } catch {
      throw new FieldValidationError([{ field: 'data.state', message: 'is not an awareness update' }]);
    } finally {
      this.#awareness.off('update', listener);
    }
    let clients = this.#clientsBySession.get(sessionId);
    if (!clients) this.#clientsBySession.set(sessionId, (clients = new Set()));
    for (const id of changed) clients.add(id);
  }

  /** Forgets a departed session's cursors; returns the update that tells the others, if any. */
  removeSession(sessionId: string): Uint8Array | null {
    const clients = [...(this.#clientsBySession.get(sessionId) ?? [])].filter((id) => this.#awareness.getStates().has(id));
    this.#clientsBySession.delete(sessionId);
    if (clients.length === 0) return null;
    awarenessProtocol.removeAwarenessStates(this.#awareness, clients, 'left');
    return awarenessProtocol.encodeAwarenessUpdate(this.#awareness, clients);
  }

  /** The whole document as one update (what room.join returns and snapshots store). */
  state(): Uint8Array {
    return Y.encodeStateAsUpdate(this.#doc);
  }

  /** Current awareness of every client, or null when nobody shares any. */
  awarenessState(): Uint8Array | null {
    const clients = [...this.#awareness.getStates().keys()];
    return clients.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.#awareness, clients) : null;
  }

  text(): string {
    return this.#doc.getText(CODE_TEXT).toString();
  }

  /** The document's generation, as stored in it (see CodeGeneration.ts). */
  generation(): number {
    return generationOf(this.#doc);
  }

  /** Items and tombstones the document holds (what compaction bounds). */
  structs(): number {
    return structCount(this.#doc);
  }

  /** Safe to call twice; stops the awareness timer. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#awareness.destroy();
    this.#doc.destroy();
  }
}

/** The state of a document holding `text` alone (a kata's breakout room starts from its starter code). */
export function seededState(text: string): Uint8Array {
  const doc = new Y.Doc({ gc: true });
  try {
    doc.getText(CODE_TEXT).insert(0, text);
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/** Merges updates into one (a group commit stores one row). */
export function mergeUpdates(updates: readonly Uint8Array[]): Uint8Array {
  return updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates as Uint8Array[]);
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
