import SqlAdapter from 'moleculer-db-adapter-sequelize';
import type { Sequelize } from 'sequelize';

/**
 * moleculer-db's Sequelize adapter on the node's shared instance. The stock adapter closes its
 * Sequelize instance when the service stops; this one leaves it open, since the pool belongs to
 * the node (deploy/infrastructure closes it after every service has stopped).
 */
export class SharedSequelizeAdapter extends SqlAdapter {
  // Present at run time; missing from the package's type declarations.
  declare updateMany: (where: object, update: object) => Promise<number>;
  declare opts: unknown[];

  /**
   * Takes a function rather than the instance: Moleculer deep-clones a service schema, adapter
   * included, when it applies mixins, and a cloned Sequelize is a broken copy of the pool.
   */
  constructor(readonly sequelize: () => Sequelize) {
    super({});
  }

  override connect(): Promise<void> {
    this.opts = [this.sequelize()];
    return super.connect();
  }

  override async disconnect(): Promise<void> {}
}

/**
 * The part of the adapter the repository uses for the `pocs` rows. Every call passes the
 * tenant in its `where`, since the adapter's by-id helpers (findById, updateById) do not.
 */
export interface PocStore {
  insert(entity: object): Promise<unknown>;
  findOne(query: object): Promise<unknown>;
  updateMany(where: object, update: object): Promise<number>;
}
