import type { ServiceBroker } from 'moleculer';
import type { AuthContext } from '../../protocol/auth';
import type { BreakoutRosterParams, KataPush, OpenBreakoutParams } from '../../protocol/kata';
import type { PushData } from '../../protocol/push';

export type PresentUser = { userId: string; role: 'facilitator' | 'participant' | 'observer' };

/** The dojo as GET /v1/dojos/{id} shows it to the caller (what starting a kata checks). */
export interface DojoView {
  id: string;
  facilitator_id: string;
  status: string;
  language: string | null;
}

/**
 * The kata's calls to the dojo-room actor (protocol/kata.ts): its breakout rooms are dojo rooms,
 * and its pushes travel on the dojo's main room. The one place the kata names dojo-room's actions.
 */
export class DojoPort {
  constructor(readonly broker: ServiceBroker) {}

  /** The dojo as the caller may see it: dojo-room answers 404 (unknown, other tenant) or 403 itself. */
  dojo(auth: AuthContext, dojoId: string): Promise<DojoView> {
    return this.broker.call('dojo-room.get', { id: dojoId }, { meta: { auth } });
  }

  open(params: OpenBreakoutParams): Promise<unknown> {
    return this.broker.call('dojo-room.openBreakout', params);
  }

  roster(params: BreakoutRosterParams): Promise<unknown> {
    return this.broker.call('dojo-room.breakoutRoster', params);
  }

  readOnly(tenantId: string, roomIds: string[], readOnly: boolean): Promise<unknown> {
    return this.broker.call('dojo-room.breakoutReadOnly', { tenantId, roomIds, readOnly });
  }

  /** Closes a breakout room for good; answers its final code. */
  close(tenantId: string, roomId: string): Promise<{ code: string }> {
    return this.broker.call('dojo-room.closeBreakout', { tenantId, roomId });
  }

  /** Who is in the dojo's main room now (a dropped socket counts until the departure timeout). */
  present(tenantId: string, dojoId: string): Promise<PresentUser[]> {
    return this.broker.call('dojo-room.present', { tenantId, dojoId });
  }

  /** A push to everyone in the dojo's main room, on that room's seq (session.resume replays it in order). */
  push<M extends KataPush>(tenantId: string, dojoId: string, method: M, data: PushData<M>): Promise<unknown> {
    return this.broker.call('dojo-room.kataPush', { tenantId, dojoId, method, data });
  }

  /** These users' media in the main room pauses (away in a breakout room) or resumes. */
  away(tenantId: string, dojoId: string, userIds: string[], away: boolean): Promise<unknown> {
    return this.broker.call('dojo-room.away', { tenantId, dojoId, userIds, away });
  }
}
