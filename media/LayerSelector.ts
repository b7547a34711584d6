/** A simulcast/SVC layer pair as mediasoup and the protocol name them. */
export interface Layers {
  spatialLayer: number;
  temporalLayer: number;
}

/** What a producer offers: the bitrate of each spatial layer (lowest first) and its temporal layer count. */
export interface LayerLadder {
  spatialBitrates: readonly number[];
  temporalLayers: number;
}

export interface LayerChoiceInput {
  /** The subscriber's available outgoing bandwidth (bps), from its recv transport's estimate. */
  availableBitrate: number;
  /** How many video consumers the subscriber has (audio is small and never layered). */
  videoCount: number;
  ladder: LayerLadder;
  /**
   * The layers the subscriber asked for (media.setPreferredLayers): never exceeded, and chosen
   * as they are unless the estimate clearly forbids them. None means no cap.
   */
  cap?: Layers;
  /** The layers chosen last time: stepping up needs headroom, so an estimate at the edge does not flap. */
  current?: Layers;
}

/** Fallback spatial bitrates (bps) when a producer's encodings carry no maxBitrate. */
export const DEFAULT_SPATIAL_BITRATES: readonly number[] = [150_000, 500_000, 1_500_000];

/**
 * Share of a spatial layer's bitrate that its lower temporal layers carry, by temporal layer
 * count (libwebrtc's rate allocation for 1, 2 and 3 temporal layers).
 */
const TEMPORAL_SHARE: Readonly<Record<number, readonly number[]>> = {
  1: [1],
  2: [0.6, 1],
  3: [0.4, 0.6, 1],
};

/** Stepping up needs 15 % more than the layer's bitrate. */
const UPGRADE_HEADROOM = 1.15;

/**
 * A requested layer is refused only when it needs more than this many times the subscriber's
 * share. The estimate follows what is being sent (mediasoup's stays near 1.35x the current
 * consumption), so a ceiling set from it alone never lets the next layer be tried: a step of the
 * usual ladder (about 3x per spatial layer) above it is allowed, and mediasoup itself still
 * drops below a requested layer when the link cannot carry it.
 */
const CLEARLY_FORBIDDEN = 3;

/**
 * The per-subscriber score: the subscriber's available bandwidth divided by the number of
 * videos it receives. A layer the subscriber asked for is chosen unless it needs more than
 * CLEARLY_FORBIDDEN times that score; otherwise each video consumer gets the highest layers whose
 * bitrate fits the score, never above the subscriber's cap. With too little for even the
 * lowest spatial layer it keeps spatial 0 and drops temporal layers (lower frame rate) before
 * giving up the picture: mediasoup never pauses a consumer for bandwidth on its own here.
 */
export function chooseLayers(input: LayerChoiceInput): Layers {
  const { ladder } = input;
  const score = Math.max(0, input.availableBitrate) / Math.max(1, input.videoCount);
  const maxSpatial = Math.min(ladder.spatialBitrates.length - 1, input.cap?.spatialLayer ?? Infinity);
  const temporalCount = Math.max(1, Math.min(3, ladder.temporalLayers));
  const maxTemporal = Math.min(temporalCount - 1, input.cap?.temporalLayer ?? Infinity);
  const shares = TEMPORAL_SHARE[temporalCount] as readonly number[];
  const fits = (layers: Layers): boolean => {
    const bitrate = bitrateOf(ladder, shares, layers);
    const above = input.current !== undefined && compare(layers, input.current) > 0;
    return bitrate * (above ? UPGRADE_HEADROOM : 1) <= score;
  };
  const requested = input.cap ? { spatialLayer: Math.max(0, maxSpatial), temporalLayer: Math.max(0, maxTemporal) } : undefined;
  if (requested && bitrateOf(ladder, shares, requested) <= score * CLEARLY_FORBIDDEN) return requested;
  for (let spatialLayer = Math.max(0, maxSpatial); spatialLayer > 0; spatialLayer--) {
    const top = { spatialLayer, temporalLayer: maxTemporal };
    if (fits(top)) return top;
  }
  for (let temporalLayer = maxTemporal; temporalLayer > 0; temporalLayer--) {
    if (fits({ spatialLayer: 0, temporalLayer })) return { spatialLayer: 0, temporalLayer };
  }
  return { spatialLayer: 0, temporalLayer: 0 };
}

function bitrateOf(ladder: LayerLadder, shares: readonly number[], layers: Layers): number {
  return (ladder.spatialBitrates[layers.spatialLayer] ?? 0) * (shares[layers.temporalLayer] ?? 1);
}

/** The ladder of a producer from its encodings (maxBitrate, scalabilityMode like "L1T3"). */
export function ladderOf(encodings: ReadonlyArray<{ maxBitrate?: number; scalabilityMode?: string }>): LayerLadder {
  const spatialBitrates = encodings.map((e, i) => e.maxBitrate ?? DEFAULT_SPATIAL_BITRATES[Math.min(i, DEFAULT_SPATIAL_BITRATES.length - 1)] ?? 0);
  const temporal = /T(\d)/.exec(encodings[0]?.scalabilityMode ?? '')?.[1];
  return { spatialBitrates: spatialBitrates.length > 0 ? spatialBitrates : [DEFAULT_SPATIAL_BITRATES[0] as number], temporalLayers: temporal ? Number(temporal) : 1 };
}

export function sameLayers(a: Layers | undefined, b: Layers | undefined): boolean {
  return a?.spatialLayer === b?.spatialLayer && a?.temporalLayer === b?.temporalLayer;
}

function compare(a: Layers, b: Layers): number {
  return a.spatialLayer - b.spatialLayer || a.temporalLayer - b.temporalLayer;
}
