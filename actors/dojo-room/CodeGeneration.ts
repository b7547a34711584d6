import * as Y from 'yjs';
import { ConflictError } from './errors';

/**
 * Generations of a room's Yjs document. Yjs keeps an item (a tombstone once deleted) for every
 * stretch of text ever typed: thousands of edits at random places leave a 4 KB text carried by
 * thousands of items (~270 bytes each in memory). Compaction rebuilds the document from its
 * current text as a new document, the next generation: one item, and no shared history with the
 * old one, so an update made against the old generation cannot apply to it. Clients are told
 * (the code.reset push) and load the new generation; an edit that names an older generation is
 * refused with CONFLICT (the SDK re-applies its unacknowledged edits to the new document).
 *
 * The generation number lives in the document itself (a map beside the text), so the snapshot
 * that stores the new document stores its generation too, and the next activation reads it back.
 * A document without it (never compacted, or seeded) is generation 0.
 */
const META = 'pocdojo';
const GENERATION = 'generation';

export function generationOf(doc: Y.Doc): number {
  const value = doc.getMap(META).get(GENERATION);
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/** The state of a fresh document holding `text` as generation `generation`. */
export function compactedState(textName: string, text: string, generation: number): Uint8Array {
  const doc = new Y.Doc({ gc: true });
  try {
    doc.transact(() => {
      doc.getMap(META).set(GENERATION, generation);
      doc.getText(textName).insert(0, text);
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/** Items and tombstones the document holds: what compaction bounds (cheap: one array length per client). */
export function structCount(doc: Y.Doc): number {
  let n = 0;
  for (const structs of doc.store.clients.values()) n += structs.length;
  return n;
}

/** An edit made against a generation the room has left behind. */
export class StaleGenerationError extends ConflictError {
  constructor(readonly current: number) {
    super(`The code was compacted into generation ${current}: load it (code.reset) and edit that`, 'data.generation');
  }
}
