import type { Database } from '../../infra/db/database';
import type { RecordingOutcome } from '../../media/MediaSession';
import { one, rows } from './sql';
import type { RoomKey } from './types';

export type RecordingStatus = 'RECORDING' | 'UPLOADING' | 'READY' | 'FAILED';

export interface RecordingRow {
  id: string;
  status: RecordingStatus;
  object_key: string | null;
  mime_type: string | null;
  started_at: Date;
}

// Past this, an UPLOADING row is taken for one whose node died mid-upload, not one still busy.
const UPLOAD_PATIENCE = `interval '1 hour'`;

/**
 * SQL of a dojo's recording, shared by the live room and the REST side: the dojo's switch
 * (`dojos.recording`) and its `recordings` rows. A row goes RECORDING -> UPLOADING (the media
 * stopped; the file is being joined and uploaded) -> READY or FAILED. Every function runs inside
 * the caller's `withTenant`.
 */
export const recordingRows = {
  async switch(db: Database, key: RoomKey, on: boolean): Promise<void> {
    await rows(db, `UPDATE dojos SET recording = $3 WHERE id = $1 AND tenant_id = $2 RETURNING id`, [key.dojoId, key.tenantId, on]);
  },

  async insert(db: Database, key: RoomKey, recordingId: string, startedAt: Date): Promise<void> {
    await rows(db, `INSERT INTO recordings (id, tenant_id, dojo_id, status, started_at) VALUES ($1, $2, $3, 'RECORDING', $4) ON CONFLICT (id) DO NOTHING RETURNING id`, [
      recordingId,
      key.tenantId,
      key.dojoId,
      startedAt,
    ]);
  },

  async uploading(db: Database, key: RoomKey, recordingId: string): Promise<void> {
    await rows(db, `UPDATE recordings SET status = 'UPLOADING', ended_at = now() WHERE id = $1 AND tenant_id = $2 AND dojo_id = $3 AND status = 'RECORDING' RETURNING id`, [
      recordingId,
      key.tenantId,
      key.dojoId,
    ]);
  },

  /** The recorder's own outcome; it also corrects a row `abandoned` took for lost meanwhile. */
  async finished(db: Database, key: RoomKey, r: RecordingOutcome): Promise<void> {
    await rows(
      db,
      `UPDATE recordings SET status = $4, object_key = $5, mime_type = $6, size_bytes = $7, duration_ms = $8, error = $9, ended_at = $10
       WHERE id = $1 AND tenant_id = $2 AND dojo_id = $3 AND status <> 'READY' RETURNING id`,
      [r.recordingId, key.tenantId, key.dojoId, r.objectKey ? 'READY' : 'FAILED', r.objectKey, r.mimeType, r.sizeBytes, Math.round(r.durationMs), r.error ?? null, r.endedAt],
    );
  },

  /**
   * Rows still RECORDING once no activation of the room runs (a new one claims it, or the dojo
   * stopped) were left by a node that died: a room that closes marks its recording UPLOADING
   * before it lets the room go.
   */
  async abandoned(db: Database, key: RoomKey): Promise<void> {
    await rows(
      db,
      `UPDATE recordings SET status = 'FAILED', error = 'interrupted: the node recording it went away', ended_at = COALESCE(ended_at, now())
       WHERE dojo_id = $1 AND tenant_id = $2 AND status = 'RECORDING' RETURNING id`,
      [key.dojoId, key.tenantId],
    );
  },

  /** The newest READY recording, and whether one is still being made (for GET .../recording). */
  async latest(db: Database, key: RoomKey): Promise<{ ready: RecordingRow | undefined; pending: RecordingRow | undefined }> {
    const ready = await one<RecordingRow>(
      db,
      `SELECT id, status, object_key, mime_type, started_at FROM recordings WHERE dojo_id = $1 AND tenant_id = $2 AND status = 'READY'
       ORDER BY started_at DESC LIMIT 1`,
      [key.dojoId, key.tenantId],
    );
    const pending = ready
      ? undefined
      : await one<RecordingRow>(
          db,
          `SELECT id, status, object_key, mime_type, started_at FROM recordings WHERE dojo_id = $1 AND tenant_id = $2
           AND (status = 'RECORDING' OR (status = 'UPLOADING' AND ended_at > now() - ${UPLOAD_PATIENCE})) ORDER BY started_at DESC LIMIT 1`,
          [key.dojoId, key.tenantId],
        );
    return { ready, pending };
  },
};
