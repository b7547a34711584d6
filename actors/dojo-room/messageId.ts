import { createHash } from 'node:crypto';

/**
 * The id of a chat message, derived from who sent it where with which client id (a name-based
 * UUID, RFC 9562 v5 layout). A retry of chat.send gets the same id on any node, even after the
 * room moved, and the database's unique index keeps one row.
 */
export function chatMessageId(dojoId: string, userId: string, clientMsgId: string): string {
  const hash = createHash('sha1').update(`${dojoId}\n${userId}\n${clientMsgId}`).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
