import { useEffect, useReducer, useRef } from 'react';
import type { Media, Tile } from '../media/seam';
import { useAction } from '../useAsync';
import { ErrorBox } from '../ErrorBox';

/** Everyone's camera (the speaker outlined), with this user's microphone and camera switches. */
export function VideoTiles({ media, nameOf, mutedByFacilitator }: { media: Media; nameOf(userId: string): string; mutedByFacilitator: boolean }) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => media.on('changed', rerender), [media]);
  const mic = useAction(() => media.setMic(!media.micOn));
  const cam = useAction(() => media.setCam(!media.camOn));
  const videos = media.tiles.filter((t) => t.kind === 'video');
  const audios = media.tiles.filter((t) => t.kind === 'audio' && !t.local);
  return (
    <section aria-labelledby="video" className="video">
      <h2 id="video" className="sr-only">
        Video
      </h2>
      <div className="tiles" data-testid="video-tiles">
        {videos.map((tile) => (
          <figure key={tile.key} className={`tile ${tile.userId === media.activeSpeaker ? 'speaking' : ''}`} data-user={tile.userId} data-local={tile.local || undefined}>
            <TrackElement tile={tile} media={media} />
            <figcaption>{tile.local ? 'You' : nameOf(tile.userId)}</figcaption>
          </figure>
        ))}
        {videos.length === 0 && <p className="muted">No cameras yet.</p>}
      </div>
      {audios.map((tile) => (
        <TrackElement key={tile.key} tile={tile} media={media} />
      ))}
      <div className="actions">
        <button type="button" aria-pressed={!media.micOn} onClick={() => void mic.run()} disabled={mic.busy}>
          {media.micOn ? 'Mute microphone' : 'Unmute microphone'}
        </button>
        <button type="button" aria-pressed={!media.camOn} onClick={() => void cam.run()} disabled={cam.busy}>
          {media.camOn ? 'Turn camera off' : 'Turn camera on'}
        </button>
        {mutedByFacilitator && <span className="badge warn">muted by the facilitator</span>}
      </div>
      <ErrorBox error={media.error ?? mic.error ?? cam.error} />
    </section>
  );
}

function TrackElement({ tile, media }: { tile: Tile; media: Media }) {
  const ref = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = new MediaStream([tile.track]);
  }, [tile.track]);
  // A remote camera scrolled out of view receives nothing (its consumer is paused) until it is back.
  useEffect(() => {
    const element = ref.current;
    if (!element || tile.local || tile.kind !== 'video' || typeof IntersectionObserver !== 'function') return;
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) media.setVisible(tile, entry.isIntersecting);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [tile, media]);
  return tile.kind === 'video' ? <video ref={ref} autoPlay playsInline muted /> : <audio ref={ref} autoPlay />;
}
