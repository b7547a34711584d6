import type { LoggerInstance } from 'moleculer';
import { hosts, type Config } from '../config';
import type { ReadinessCheck } from '../infra/readiness';
import { resolveFonts } from '../actors/render/fonts';
import { resolveFfmpeg, resolveFfprobe } from '../infra/bin/ffmpeg';
import { sandboxUnavailable } from '../infra/sandbox';

/**
 * Features a node can run without, each with what it needs from the machine. A node missing
 * one still serves everything else; it says which are off and why in its start-up log and in
 * /ready (`features`), so a new user learns it from `npm start` rather than from a FAILED job.
 */
interface Feature {
  name: string;
  /** Whether this node runs the feature at all. */
  on(config: Config): boolean;
  /** Throws, saying what is missing and how to install it. */
  requires(config: Config): void;
}

/** A missing font surfaces as a RenderError whose details say what to install. */
function fonts(): void {
  try {
    resolveFonts();
  } catch (error) {
    throw new Error((error as { details?: string }).details ?? (error as Error).message);
  }
}

const FEATURES: readonly Feature[] = [
  {
    name: 'recording',
    on: (config) => hosts(config, 'dojo-room') && hosts(config, 'media'),
    requires: (config) => void resolveFfprobe(config),
  },
  {
    name: 'video',
    on: (config) => hosts(config, 'render'),
    requires: (config) => {
      resolveFfmpeg(config);
      fonts();
    },
  },
  {
    // Without a sandbox no code runs at all: runs end SANDBOX_UNAVAILABLE (never unsandboxed).
    name: 'code-execution',
    on: (config) => hosts(config, 'code-exec'),
    requires: (config) => {
      if (config.codeExec.sandbox === 'off') throw new Error('switched off (CODE_EXEC_SANDBOX=off): code runs end SANDBOX_UNAVAILABLE');
      const reason = sandboxUnavailable();
      if (reason) throw new Error(reason);
    },
  },
  {
    name: 'pdf-reports',
    on: (config) => hosts(config, 'render'),
    requires: fonts,
  },
];

/** How long /ready reuses a verdict: checking runs `ffmpeg -version`, and probes come every few seconds. */
const RECHECK_MS = 60_000;

/** Logs the node's unavailable features once and returns them as optional /ready checks. */
export function featureChecks(config: Config, logger: LoggerInstance): ReadinessCheck[] {
  return FEATURES.filter((f) => f.on(config)).map((feature) => {
    const verdict = () => {
      try {
        feature.requires(config);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    };
    let last = { reason: verdict(), at: Date.now() };
    if (last.reason) logger.warn({ feature: feature.name, reason: last.reason }, `${feature.name} is unavailable on this node: ${last.reason}`);
    return {
      name: feature.name,
      optional: true,
      async check() {
        // Installing ffmpeg while the node runs is enough: the next check sees it.
        if (Date.now() - last.at > RECHECK_MS) last = { reason: verdict(), at: Date.now() };
        if (last.reason) throw new Error(last.reason);
      },
    };
  });
}
