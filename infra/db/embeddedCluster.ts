import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, lstat, mkdir, readlink, realpath, rmdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger';
import { EmbeddedPostgresError } from './embeddedError';
import { canEnter, describeRunAs, mkdirReachable, type RunAs } from './embeddedUser';

/**
 * The directory PostgreSQL keeps its cluster in, for DATA_DIR `dataDir`: `dataDir/postgres` when
 * `runAs` can reach it; otherwise a directory under `stateDir` keyed by DATA_DIR's real path, with
 * `dataDir/postgres` a link to it so the data still shows under DATA_DIR. A cluster not yet
 * initialised gets its directory created and owned by `runAs`.
 */
export async function placeCluster(dataDir: string, runAs: RunAs | undefined, stateDir: string, logger: Logger): Promise<string> {
  const inPlace = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  const entry = await lstat(inPlace).catch(() => undefined);
  // An earlier start placed it elsewhere: the link says where, even if DATA_DIR has moved since.
  if (entry?.isSymbolicLink()) return prepare(path.resolve(dataDir, await readlink(inPlace)), runAs);
  if (await canEnter(runAs, dataDir)) return prepare(inPlace, runAs);
  if (existsSync(path.join(inPlace, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(
      `DATA_DIR: the cluster in ${inPlace} is out of reach of ${describeRunAs(runAs)}, which runs PostgreSQL: ` + `let it enter every directory above (chmod o+x), or move DATA_DIR`,
    );
  }
  const elsewhere = path.join(
    stateDir,
    'clusters',
    createHash('sha256')
      .update(await realpath(dataDir))
      .digest('hex')
      .slice(0, 16),
  );
  await mkdirReachable(path.dirname(elsewhere));
  // An empty directory left by a start that failed before initdb gives way to the link.
  if (entry) {
    await rmdir(inPlace).catch(() => {
      throw new EmbeddedPostgresError(`DATA_DIR: ${inPlace} holds files but no PostgreSQL cluster: move them away and start again`);
    });
  }
  await symlink(elsewhere, inPlace);
  logger.info({ dataDir, cluster: elsewhere }, `DATA_DIR is out of reach of ${describeRunAs(runAs)}, which runs PostgreSQL: its cluster is kept in ${elsewhere}, linked from ${inPlace}`);
  return prepare(elsewhere, runAs);
}

async function prepare(pgdata: string, runAs: RunAs | undefined): Promise<string> {
  if (existsSync(path.join(pgdata, 'PG_VERSION'))) return pgdata;
  await mkdir(pgdata, { recursive: true, mode: 0o700 });
  if (runAs) await chown(pgdata, runAs.uid, runAs.gid);
  return pgdata;
}
