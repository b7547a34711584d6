import * as Y from 'yjs';
import type { Database } from '../../infra/db/database';
import { CODE_TEXT } from './CodeDocument';
import { rows } from './sql';
import type { RoomKey } from './types';

/** The Yjs document a dojo's room starts from: its initial code as the shared text. */
export function initialState(code: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText(CODE_TEXT).insert(0, code);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/**
 * Seeds the room's document with the dojo's initial code, once: as the snapshot an activation
 * loads (fencing token 0, below every activation's epoch). Called in the transaction that makes
 * the dojo ACTIVE, before any room can be claimed, so no client ever saw an empty document that
 * a late seed would then merge into; a dojo that already has a snapshot is left alone.
 */
export async function seedInitialCode(db: Database, key: RoomKey, code: string): Promise<void> {
  await rows(
    db,
    `INSERT INTO dojo_code_snapshots (id, tenant_id, dojo_id, state, text_preview, update_count, fencing_token, last_update_id)
     SELECT gen_random_uuid(), $1, $2, $3, $4, 0, 0, 0
      WHERE NOT EXISTS (SELECT 1 FROM dojo_code_snapshots WHERE dojo_id = $2 AND tenant_id = $1) RETURNING id`,
    [key.tenantId, key.dojoId, Buffer.from(initialState(code)), code.slice(0, 20_000)],
  );
}
