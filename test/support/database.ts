import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../infra/db/embedded';
import { migrate } from '../../infra/db/migrate';
import { silentLogger } from '../../infra/logger';
import { tempDataDir } from './dirs';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a new database on the server named by
 * DATABASE_URL when it is set (CI), an embedded PostgreSQL otherwise.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await tempDataDir();
    const embedded = await startEmbeddedPostgres(dataDir.path, silentLogger);
    await migrate(embedded.url);
    return {
      url: embedded.url,
      drop: async () => {
        await embedded.stop();
        await dataDir.remove();
      },
    };
  }
  const name = `pocdojo_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
