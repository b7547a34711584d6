import { randomInt, randomUUID } from 'node:crypto';
import { loadConfig } from '../../config';
import { startNode, type RunningNode } from '../../deploy/node';
import type { Database } from '../../infra/db/database';

/** What the soak node seeded: tenants, each with live dojos and their members (first: the facilitator). */
export interface SoakWorld {
  tenants: Array<{ tenantId: string; rooms: Array<{ dojoId: string; userIds: string[] }> }>;
}

export interface SoakReady extends SoakWorld {
  port: number;
  /** The operations listener's port, on builds that have one (OPS_PORT). */
  opsPort?: number;
  pid: number;
}

/**
 * The node under soak (or its idle twin): a whole node as `npm start` runs it, with SOAK_TENANTS
 * tenants of SOAK_ROOMS live dojos of SOAK_ROOM_SIZE members each seeded straight into the
 * database (a thousand sign-ups through scrypt would measure hashing, not the soak).
 */
async function main(): Promise<void> {
  const node = await startNode(loadConfig(process.env));
  const database = node.infra.database;
  if (!database || node.port === undefined) throw new Error('the soak node needs SERVICES with gateway and a database');
  const world = await seedWorld(database, Number(process.env.SOAK_TENANTS), Number(process.env.SOAK_ROOMS), Number(process.env.SOAK_ROOM_SIZE));
  // RunningNode names opsPort only on builds with the operations listener; read it where it exists.
  const { opsPort } = node as RunningNode & { opsPort?: number };
  const ready: SoakReady = { port: node.port, opsPort, pid: process.pid, ...world };
  process.stdout.write(`${JSON.stringify({ benchReady: ready })}\n`);
  const stop = () => void node.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const JOIN_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

async function seedWorld(db: Database, tenantCount: number, roomsPerTenant: number, roomSize: number): Promise<SoakWorld> {
  const world: SoakWorld = { tenants: [] };
  for (let t = 0; t < tenantCount; t++) {
    const tenantId = randomUUID();
    const rooms = Array.from({ length: roomsPerTenant }, () => ({ dojoId: randomUUID(), userIds: Array.from({ length: roomSize }, () => randomUUID()) }));
    await db.asSystem(async () => {
      const sql = (text: string, bind: unknown[]) => db.sequelize.query(text, { bind });
      await sql(`INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)`, [tenantId, `Soak ${t}`, `soak-${tenantId.slice(0, 8)}`]);
      await sql(
        `INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash, status)
         SELECT u, $1, 's' || substr(u::text, 1, 8), u::text || '@soak.test', 'Soak', 'User', 'x', 'A' FROM unnest($2::uuid[]) AS u`,
        [tenantId, rooms.flatMap((r) => r.userIds)],
      );
      for (const room of rooms) {
        const joinCode = Array.from({ length: 8 }, () => JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)]).join('');
        await sql(`INSERT INTO dojos (id, tenant_id, facilitator_id, subject, dojo_date, status, join_code, max_participants) VALUES ($1, $2, $3, 'Soak', now(), 'ACTIVE', $4, $5)`, [
          room.dojoId,
          tenantId,
          room.userIds[0],
          joinCode,
          roomSize,
        ]);
        await sql(`INSERT INTO dojo_participants (tenant_id, dojo_id, user_id, role) SELECT $1, $2, u, 'participant' FROM unnest($3::uuid[]) AS u`, [tenantId, room.dojoId, room.userIds.slice(1)]);
      }
    });
    world.tenants.push({ tenantId, rooms });
  }
  return world;
}

main().catch((error: Error) => {
  process.stderr.write(`soak server failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
