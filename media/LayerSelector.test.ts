import test from 'ava';
import { chooseLayers, ladderOf, sameLayers } from './LayerSelector';

const ladder = { spatialBitrates: [150_000, 500_000, 1_500_000], temporalLayers: 3 };

test('the score is available bandwidth divided by the videos received', (t) => {
  // 3.2 Mbps over 2 videos: 1.6 Mbps each fits the top layer.
  t.deepEqual(chooseLayers({ availableBitrate: 3_200_000, videoCount: 2, ladder }), { spatialLayer: 2, temporalLayer: 2 });
  // The same bandwidth over 4 videos: 800 kbps each, the middle layer.
  t.deepEqual(chooseLayers({ availableBitrate: 3_200_000, videoCount: 4, ladder }), { spatialLayer: 1, temporalLayer: 2 });
  // Over 16 videos: 200 kbps each, the lowest spatial layer.
  t.deepEqual(chooseLayers({ availableBitrate: 3_200_000, videoCount: 16, ladder }), { spatialLayer: 0, temporalLayer: 2 });
});

test('below the lowest spatial layer it drops frame rate (temporal layers) before anything else', (t) => {
  t.deepEqual(chooseLayers({ availableBitrate: 100_000, videoCount: 1, ladder }), { spatialLayer: 0, temporalLayer: 1 });
  t.deepEqual(chooseLayers({ availableBitrate: 61_000, videoCount: 1, ladder }), { spatialLayer: 0, temporalLayer: 0 });
  t.deepEqual(chooseLayers({ availableBitrate: 0, videoCount: 3, ladder }), { spatialLayer: 0, temporalLayer: 0 });
});

test("the subscriber's own preference caps the choice, and wins unless the estimate clearly forbids it", (t) => {
  const cap = { spatialLayer: 1, temporalLayer: 1 };
  t.deepEqual(chooseLayers({ availableBitrate: 10_000_000, videoCount: 1, ladder, cap }), { spatialLayer: 1, temporalLayer: 1 });
  // Layer 1 at two of three temporal layers is 300 kbps: 200 kbps does not clearly forbid it.
  t.deepEqual(chooseLayers({ availableBitrate: 200_000, videoCount: 1, ladder, cap }), { spatialLayer: 1, temporalLayer: 1 });
  // 90 kbps does (it needs more than three times that): the highest layers that fit, under the cap.
  t.deepEqual(chooseLayers({ availableBitrate: 90_000, videoCount: 1, ladder, cap }), { spatialLayer: 0, temporalLayer: 1 });
  // The top layer asked for on an estimate that follows what is sent today (1.35x the middle
  // layer): granted, so mediasoup gets to send it and the estimate can grow.
  const top = { spatialLayer: 2, temporalLayer: 2 };
  t.deepEqual(chooseLayers({ availableBitrate: 1.35 * 500_000, videoCount: 1, ladder, cap: top, current: { spatialLayer: 1, temporalLayer: 2 } }), top);
  // The same estimate without a request keeps the layer that fits.
  t.deepEqual(chooseLayers({ availableBitrate: 1.35 * 500_000, videoCount: 1, ladder, current: { spatialLayer: 1, temporalLayer: 2 } }), { spatialLayer: 1, temporalLayer: 2 });
});

test('stepping up needs headroom, stepping down does not, so an estimate at the edge does not flap', (t) => {
  const current = { spatialLayer: 1, temporalLayer: 2 };
  // 1.6 Mbps fits layer 2 (1.5 Mbps) but not with 15 % headroom.
  t.deepEqual(chooseLayers({ availableBitrate: 1_600_000, videoCount: 1, ladder, current }), current);
  t.deepEqual(chooseLayers({ availableBitrate: 1_800_000, videoCount: 1, ladder, current }), { spatialLayer: 2, temporalLayer: 2 });
  t.deepEqual(chooseLayers({ availableBitrate: 1_600_000, videoCount: 1, ladder, current: { spatialLayer: 2, temporalLayer: 2 } }), { spatialLayer: 2, temporalLayer: 2 });
  t.deepEqual(chooseLayers({ availableBitrate: 1_400_000, videoCount: 1, ladder, current: { spatialLayer: 2, temporalLayer: 2 } }), { spatialLayer: 1, temporalLayer: 2 });
});

test('a ladder comes from the encodings, with defaults where maxBitrate is missing', (t) => {
  t.deepEqual(ladderOf([{ maxBitrate: 100_000, scalabilityMode: 'L1T3' }, { maxBitrate: 300_000 }]), { spatialBitrates: [100_000, 300_000], temporalLayers: 3 });
  t.deepEqual(ladderOf([{}, {}, {}, {}]), { spatialBitrates: [150_000, 500_000, 1_500_000, 1_500_000], temporalLayers: 1 });
  t.deepEqual(ladderOf([]), { spatialBitrates: [150_000], temporalLayers: 1 });
  t.deepEqual(chooseLayers({ availableBitrate: 10_000_000, videoCount: 1, ladder: ladderOf([{}]) }), { spatialLayer: 0, temporalLayer: 0 });
});

test('sameLayers compares both layers', (t) => {
  t.true(sameLayers({ spatialLayer: 1, temporalLayer: 0 }, { spatialLayer: 1, temporalLayer: 0 }));
  t.false(sameLayers({ spatialLayer: 1, temporalLayer: 0 }, { spatialLayer: 1, temporalLayer: 1 }));
  t.false(sameLayers(undefined, { spatialLayer: 0, temporalLayer: 0 }));
});
