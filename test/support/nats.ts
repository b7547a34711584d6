import { connect } from 'nats';
import { queueNames } from '../../infra/infrastructure';

/** Deletes a test namespace's JetStream streams so test runs leave nothing on a shared NATS. */
export async function deleteQueueStreams(natsUrl: string, namespace: string): Promise<void> {
  const { stream } = queueNames(namespace);
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    for (const name of [stream, `${stream}_DLQ`]) await jsm.streams.delete(name).catch(() => false);
  } finally {
    await nc.close();
  }
}
