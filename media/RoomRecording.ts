import type { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from '../infra/logger';
import { MediaUnavailableError } from './errors';
import { FfmpegNotFoundError } from '../infra/bin/ffmpeg';
import { Recorder, type RecorderSettings, type RecordingResult, type RecordingTarget } from './Recorder';
import type { RtcSettings } from './rtc';
import type { RoomMediaEvents } from './types';

interface Active {
  target: RecordingTarget;
  recorder: Promise<Recorder>;
}

/** What a recording starts from: the router producers live on and the producers there now. */
export type RecordingSources = () => { router: types.Router; producers: Iterable<{ producer: types.Producer; userId: string }> };

/**
 * A room's recording switch: start and stop are idempotent (a second start reports the running
 * recording, a second stop the result of the first), and producers that appear while it runs
 * are added to it.
 */
export class RoomRecording {
  #active: Active | undefined;
  #stopping: Promise<RecordingResult | null> | undefined;

  constructor(
    readonly settings: RecorderSettings | undefined,
    readonly rtc: RtcSettings,
    readonly logger: Logger,
    readonly events: EventEmitter<RoomMediaEvents>,
  ) {}

  get recordingId(): string | undefined {
    return this.#active?.target.recordingId;
  }

  async start(target: RecordingTarget, sources: RecordingSources): Promise<{ recordingId: string; started: boolean }> {
    if (!this.settings) throw new MediaUnavailableError('Recording is not available on this node');
    const running = this.#active;
    if (running) {
      await running.recorder;
      return { recordingId: running.target.recordingId, started: false };
    }
    const active: Active = { target, recorder: Recorder.create(target, this.settings, { min: this.rtc.minPort, max: this.rtc.maxPort }, this.logger) };
    this.#active = active;
    try {
      const recorder = await active.recorder;
      const { router, producers } = sources();
      for (const { producer, userId } of producers) recorder.add(router, producer, userId);
    } catch (error) {
      if (this.#active === active) this.#active = undefined;
      // No ffmpeg on this node is a fact about the node, not a fault: say so as unavailable.
      if (error instanceof FfmpegNotFoundError) throw new MediaUnavailableError(`Recording is not available on this node: ${error.message}`);
      throw error;
    }
    return { recordingId: target.recordingId, started: true };
  }

  /** A producer appeared: recorded when a recording runs. */
  add(router: types.Router, producer: types.Producer, userId: string): void {
    this.#active?.recorder.then((recorder) => recorder.add(router, producer, userId)).catch(() => undefined);
  }

  /** Stops the running recording; resolves with its uploaded result, or null when none ever ran. */
  stop(): Promise<RecordingResult | null> {
    const active = this.#active;
    if (!active) return this.#stopping ?? Promise.resolve(null);
    this.#active = undefined;
    this.#stopping = active.recorder.then(async (recorder) => {
      const result = await recorder.stop();
      this.events.emit('recordingStopped', result);
      return result;
    });
    return this.#stopping;
  }
}
