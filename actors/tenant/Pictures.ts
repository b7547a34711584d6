import type { ObjectStore } from '../../infra/storage';
import { ClientError } from '../../infra/errors';
import { ErrorCode } from '../../protocol/errors';
import { MAX_PICTURE_BYTES } from '../../protocol/rest/tenant';
import { FieldValidationError } from './errors';

export { MAX_PICTURE_BYTES };
/** Long enough for a client to load the image after reading a (cached) profile. */
export const PICTURE_URL_TTL_SECONDS = 60 * 60;

const TYPES = [
  { ext: 'png', mime: 'image/png', test: (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { ext: 'jpg', mime: 'image/jpeg', test: (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { ext: 'webp', mime: 'image/webp', test: (b: Buffer) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
] as const;

export type PictureType = (typeof TYPES)[number];

/**
 * Decodes a base64 image (bare or as a data: URL) and tells its type from its first bytes,
 * never from what the client claims.
 */
export function decodePicture(image: string): { bytes: Buffer; type: PictureType } {
  const base64 = image.replace(/^data:[\w/+.-]+;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 === 1) {
    throw new FieldValidationError([{ field: 'image', message: 'must be base64' }]);
  }
  // Checked before decoding, so an oversized upload costs no allocation.
  if (Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0) > MAX_PICTURE_BYTES) {
    throw new ClientError(ErrorCode.PAYLOAD_TOO_LARGE, 'Picture larger than 2 MB', { fields: [{ field: 'image', message: 'must be at most 2 MB' }] });
  }
  const bytes = Buffer.from(base64, 'base64');
  const type = TYPES.find((t) => t.test(bytes));
  if (!type) throw new FieldValidationError([{ field: 'image', message: 'must be a PNG, JPEG or WebP image' }]);
  return { bytes, type };
}

/** Profile pictures in the object store, under the tenant's key prefix (DESIGN §7). */
export class Pictures {
  constructor(readonly store: ObjectStore) {}

  key(tenantId: string, userId: string, type: PictureType): string {
    return `tenants/${tenantId}/users/${userId}/profile/avatar.${type.ext}`;
  }

  async put(key: string, bytes: Buffer, type: PictureType): Promise<void> {
    await this.store.put(key, bytes, type.mime, bytes.length);
  }

  /** A replaced picture of another type leaves its old object behind otherwise. */
  async replaced(previousKey: string | null, key: string): Promise<void> {
    if (previousKey && previousKey !== key) await this.store.delete(previousKey);
  }

  /** The account was deleted: every object under its profile prefix goes (the picture, any older one left behind). */
  async removeAll(tenantId: string, userId: string): Promise<number> {
    return this.store.deletePrefix(`tenants/${tenantId}/users/${userId}/`);
  }

  url(key: string | null): Promise<string | null> {
    return key ? this.store.presignGet(key, PICTURE_URL_TTL_SECONDS) : Promise.resolve(null);
  }
}
