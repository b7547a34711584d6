// The one place the console gets its media from. Today: the console's own mediasoup-client code
// (mediasoupMedia.ts). When the SDK's media module lands (clients/sdk/src/media*.ts), this file
// switches to it and nothing else in the console changes: LiveDojo and VideoTiles see only
// `createMedia()` and the ConsoleMedia surface (tiles, activeSpeaker, micOn/camOn, setMic/setCam).
import { ConsoleMedia } from './mediasoupMedia';

export type { Tile } from './mediasoupMedia';
export type Media = ConsoleMedia;

export function createMedia(): Media {
  const media = new ConsoleMedia();
  // A read-only hook for the browser test and for a person debugging a call: what was decoded.
  (window as unknown as { pocdojoMedia?: Media }).pocdojoMedia = media;
  return media;
}
