import type { LoggerInstance } from 'moleculer';

/** How long a fatal stop may take before the process exits anyway. */
const FATAL_STOP_MS = 10_000;

/**
 * The last line of defence, for errors no handler caught.
 * - A rejected promise nobody awaited is logged and the node keeps serving: the work that
 *   rejected is already over, and nothing half-done is left behind by a rejection itself
 *   (Node's default since v15 is to exit, which would drop every client for one forgotten catch).
 * - An uncaught exception is logged as fatal and the node stops cleanly (broker, embedded
 *   PostgreSQL and S3 stopped) with exit code 1: the stack it unwound may have left any object
 *   half-updated, so serving on would risk wrong answers rather than none. A supervisor restarts it.
 */
export function installProcessGuards(logger: LoggerInstance, stop: () => Promise<void>, exit: (code: number) => void = process.exit): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (the node keeps serving)');
  });
  let stopping = false;
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception: stopping the node');
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => exit(1), FATAL_STOP_MS);
    force.unref();
    stop().then(
      () => exit(1),
      (stopError: unknown) => {
        logger.error({ err: stopError }, 'stopping after the fatal error failed');
        exit(1);
      },
    );
  });
}
