import test from 'ava';
import { ClientError } from '../../infra/errors';
import { decodePicture, MAX_PICTURE_BYTES } from './Pictures';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);

test('the type comes from the magic bytes, not from a data URL prefix', (t) => {
  t.is(decodePicture(PNG.toString('base64')).type.ext, 'png');
  t.is(decodePicture(JPEG.toString('base64')).type.ext, 'jpg');
  t.is(decodePicture(`data:image/png;base64,${WEBP.toString('base64')}`).type.ext, 'webp');
  t.deepEqual(decodePicture(PNG.toString('base64')).bytes, PNG);
});

test('anything else is refused naming the image field', (t) => {
  for (const image of [Buffer.from('GIF89a....').toString('base64'), Buffer.from('<svg/>').toString('base64'), 'not base64!', 'A']) {
    const error = t.throws(() => decodePicture(image), { instanceOf: ClientError });
    t.like(error, { code: 422, data: { fields: [{ field: 'image' }] } });
  }
});

test('more than 2 MB decoded is 413, found before decoding', (t) => {
  const exact = Buffer.concat([PNG, Buffer.alloc(MAX_PICTURE_BYTES - PNG.length)]);
  t.is(decodePicture(exact.toString('base64')).bytes.length, MAX_PICTURE_BYTES);
  const over = Buffer.concat([exact, Buffer.alloc(1)]).toString('base64');
  t.like(
    t.throws(() => decodePicture(over)),
    { code: 413, type: 'PAYLOAD_TOO_LARGE' },
  );
});
