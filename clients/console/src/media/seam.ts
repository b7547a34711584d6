// The one place the console gets its media from: the SDK's media module (MediasoupClient, behind
// the ConsoleMedia adapter in consoleMedia.ts). LiveDojo and VideoTiles see only `createMedia()`
// and the ConsoleMedia surface (tiles, activeSpeaker, micOn/camOn, setMic/setCam, setVisible).
import { ConsoleMedia } from './consoleMedia';

export type { Tile } from './consoleMedia';
export type Media = ConsoleMedia;

export function createMedia(): Media {
  const media = new ConsoleMedia();
  // A read-only hook for the browser test and for a person debugging a call: what was decoded.
  (window as unknown as { pocdojoMedia?: Media }).pocdojoMedia = media;
  return media;
}
