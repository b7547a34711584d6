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
  /** How many tracks the subscriber receives (audio and video consumers). */
  trackCount: number;
  ladder: LayerLadder;
  /** The highest layers the subscriber asked for (media.setPreferredLayers); none means no cap. */
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
 * The original design's per-subscriber score: the subscriber's available bandwidth divided by
 * the number of tracks it receives. Each video consumer then gets the highest layers whose
 * bitrate fits that score, never above the subscriber's own cap. With too little for even the
 * lowest spatial layer it keeps spatial 0 and drops temporal layers (lower frame rate) before
 * giving up the picture: mediasoup never pauses a consumer for bandwidth on its own here.
 */
export function chooseLayers(input: LayerChoiceInput): Layers {
  const { ladder } = input;
  const tracks = Math.max(1, input.trackCount);
  const score = Math.max(0, input.availableBitrate) / tracks;
  const maxSpatial = Math.min(ladder.spatialBitrates.length - 1, input.cap?.spatialLayer ?? Infinity);
  const temporalCount = Math.max(1, Math.min(3, ladder.temporalLayers));
  const maxTemporal = Math.min(temporalCount - 1, input.cap?.temporalLayer ?? Infinity);
  const shares = TEMPORAL_SHARE[temporalCount] as readonly number[];
  const fits = (layers: Layers): boolean => {
    const bitrate = (ladder.spatialBitrates[layers.spatialLayer] ?? 0) * (shares[layers.temporalLayer] ?? 1);
    const above = input.current !== undefined && compare(layers, input.current) > 0;
    return bitrate * (above ? UPGRADE_HEADROOM : 1) <= score;
  };
  for (let spatialLayer = Math.max(0, maxSpatial); spatialLayer > 0; spatialLayer--) {
    const top = { spatialLayer, temporalLayer: maxTemporal };
    if (fits(top)) return top;
  }
  for (let temporalLayer = maxTemporal; temporalLayer > 0; temporalLayer--) {
    if (fits({ spatialLayer: 0, temporalLayer })) return { spatialLayer: 0, temporalLayer };
  }
  return { spatialLayer: 0, temporalLayer: 0 };
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
