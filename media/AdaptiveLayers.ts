import type { types } from 'mediasoup';
import { chooseLayers, sameLayers, type Layers } from './LayerSelector';
import type { ConsumerEntry, Peer } from './Peer';

/** Bandwidth estimates (bps) below this change are ignored: congestion control jitters. */
const MIN_CHANGE = 0.1;

/**
 * Keeps each subscriber's simulcast/SVC consumers on the layers its bandwidth affords: every
 * new estimate from its recv transport (trace "bwe") re-scores it (available / videos received,
 * LayerSelector) and asks mediasoup for the chosen layers, never above the subscriber's own
 * `media.setPreferredLayers`. mediasoup still drops below them by itself when the link
 * degrades faster than the estimate arrives; this sets the ceiling.
 */
export function watchBandwidth(peer: Peer, transport: types.WebRtcTransport, onError: (err: unknown) => void): void {
  void transport.enableTraceEvent(['bwe']).catch(onError);
  transport.on('trace', (trace) => {
    if (trace.type !== 'bwe') return;
    const available = (trace.info as { availableBitrate?: number }).availableBitrate;
    if (typeof available !== 'number') return;
    const previous = peer.availableBitrate;
    if (previous !== undefined && Math.abs(available - previous) < previous * MIN_CHANGE) return;
    peer.availableBitrate = available;
    adaptPeer(peer).catch(onError);
  });
}

/** Re-chooses the layers of every layered consumer of a subscriber (videos counted once). */
export async function adaptPeer(peer: Peer): Promise<void> {
  const videoCount = videoConsumers(peer);
  await Promise.all([...peer.consumers()].map((entry) => applyLayers(entry, peer.availableBitrate, videoCount)));
}

/** The videos a subscriber receives: what shares its bandwidth (audio is small and never layered). */
export function videoConsumers(peer: Peer): number {
  let count = 0;
  for (const entry of peer.consumers()) if (!entry.consumer.closed && entry.consumer.kind === 'video') count++;
  return count;
}

/**
 * Asks mediasoup for the layers a consumer should get: with a bandwidth estimate, the score's
 * choice under the cap; without one yet, the cap alone (mediasoup starts at the top).
 */
export async function applyLayers(entry: ConsumerEntry, availableBitrate: number | undefined, videoCount: number): Promise<void> {
  const { consumer } = entry;
  if (consumer.closed || (consumer.type !== 'simulcast' && consumer.type !== 'svc')) return;
  let target: Layers | undefined;
  if (availableBitrate !== undefined) {
    target = chooseLayers({ availableBitrate, videoCount, ladder: entry.ladder, cap: entry.cap, current: entry.chosen });
  } else if (entry.cap) {
    target = entry.cap;
  }
  if (!target || sameLayers(target, entry.chosen)) return;
  entry.chosen = target;
  await consumer.setPreferredLayers(target);
}
