import test from 'ava';
import { chooseLayers, ladderOf, sameLayers } from './LayerSelector';

const ladder = { spatialBitrates: [150_000, 500_000, 1_500_000], temporalLayers: 3 };

test('the score is available bandwidth divided by the tracks received', (t) => {
  // 3.2 Mbps over 2 tracks: 1.6 Mbps each fits the top layer.
  t.deepEqual(chooseLayers({ availableBitrate: 3_200_000, trackCount: 2, ladder }), { spatialLayer: 2, temporalLayer: 2 });
  // The same bandwidth over 4 tracks: 800 kbps each, the middle layer.
  t.deepEqual(chooseLayers({ availableBitrate: 3_200_000, trackCount: 4, ladder }), { spatialLayer: 1, temporalLayer: 2 });
  // Over 16 tracks: 200 kbps each, the lowest spatial layer.
  t.deepEqual(chooseLayers({ availableBitrate: 3_200_000, trackCount: 16, ladder }), { spatialLayer: 0, temporalLayer: 2 });
});

test('below the lowest spatial layer it drops frame rate (temporal layers) before anything else', (t) => {
  t.deepEqual(chooseLayers({ availableBitrate: 100_000, trackCount: 1, ladder }), { spatialLayer: 0, temporalLayer: 1 });
  t.deepEqual(chooseLayers({ availableBitrate: 61_000, trackCount: 1, ladder }), { spatialLayer: 0, temporalLayer: 0 });
  t.deepEqual(chooseLayers({ availableBitrate: 0, trackCount: 3, ladder }), { spatialLayer: 0, temporalLayer: 0 });
});

test("the subscriber's own preference caps the choice", (t) => {
  const cap = { spatialLayer: 1, temporalLayer: 1 };
  t.deepEqual(chooseLayers({ availableBitrate: 10_000_000, trackCount: 1, ladder, cap }), { spatialLayer: 1, temporalLayer: 1 });
  t.deepEqual(chooseLayers({ availableBitrate: 200_000, trackCount: 1, ladder, cap }), { spatialLayer: 0, temporalLayer: 1 });
});

test('stepping up needs headroom, stepping down does not, so an estimate at the edge does not flap', (t) => {
  const current = { spatialLayer: 1, temporalLayer: 2 };
  // 1.6 Mbps fits layer 2 (1.5 Mbps) but not with 15 % headroom.
  t.deepEqual(chooseLayers({ availableBitrate: 1_600_000, trackCount: 1, ladder, current }), current);
  t.deepEqual(chooseLayers({ availableBitrate: 1_800_000, trackCount: 1, ladder, current }), { spatialLayer: 2, temporalLayer: 2 });
  t.deepEqual(chooseLayers({ availableBitrate: 1_600_000, trackCount: 1, ladder, current: { spatialLayer: 2, temporalLayer: 2 } }), { spatialLayer: 2, temporalLayer: 2 });
  t.deepEqual(chooseLayers({ availableBitrate: 1_400_000, trackCount: 1, ladder, current: { spatialLayer: 2, temporalLayer: 2 } }), { spatialLayer: 1, temporalLayer: 2 });
});

test('a ladder comes from the encodings, with defaults where maxBitrate is missing', (t) => {
  t.deepEqual(ladderOf([{ maxBitrate: 100_000, scalabilityMode: 'L1T3' }, { maxBitrate: 300_000 }]), { spatialBitrates: [100_000, 300_000], temporalLayers: 3 });
  t.deepEqual(ladderOf([{}, {}, {}, {}]), { spatialBitrates: [150_000, 500_000, 1_500_000, 1_500_000], temporalLayers: 1 });
  t.deepEqual(ladderOf([]), { spatialBitrates: [150_000], temporalLayers: 1 });
  t.deepEqual(chooseLayers({ availableBitrate: 10_000_000, trackCount: 1, ladder: ladderOf([{}]) }), { spatialLayer: 0, temporalLayer: 0 });
});

test('sameLayers compares both layers', (t) => {
  t.true(sameLayers({ spatialLayer: 1, temporalLayer: 0 }, { spatialLayer: 1, temporalLayer: 0 }));
  t.false(sameLayers({ spatialLayer: 1, temporalLayer: 0 }, { spatialLayer: 1, temporalLayer: 1 }));
  t.false(sameLayers(undefined, { spatialLayer: 0, temporalLayer: 0 }));
});
