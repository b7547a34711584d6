import { nameBasedId } from '../../infra/rooms';

/**
 * The id of a chat message, derived from who sent it where with which client id: a retry of
 * chat.send gets the same id on any node, even after the room moved, and the database's unique
 * index keeps one row.
 */
export function chatMessageId(dojoId: string, userId: string, clientMsgId: string): string {
  return nameBasedId([dojoId, userId, clientMsgId]);
}
