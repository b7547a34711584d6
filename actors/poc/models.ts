import { DataTypes, type Model, type ModelStatic, type Sequelize } from 'sequelize';

export interface PocAttributes {
  id: string;
  tenantId: string;
  ownerId: string;
  name: string;
  description: string;
  repoUrl: string;
  language: string;
  languageKey: string;
  isPublic: boolean;
  tags: string[];
  tagKeys: string[];
  frameworks: string[];
  frameworkKeys: string[];
  deletedAt: Date | null;
  created: Date;
  updated: Date;
}
export type PocCreation = Omit<PocAttributes, 'deletedAt' | 'created' | 'updated'> & Partial<Pick<PocAttributes, 'created' | 'updated'>>;
export type PocRecord = Model<PocAttributes, PocCreation>;

export interface PocTagAttributes {
  tenantId: string;
  pocId: string;
  tag: string;
  tagKey: string;
  /** The POC's creation time, so one tag's POCs are listed newest first from its index. */
  created: Date;
}
export interface PocFrameworkAttributes {
  tenantId: string;
  pocId: string;
  framework: string;
  frameworkKey: string;
  created: Date;
}
export interface PocFavoriteAttributes {
  tenantId: string;
  userId: string;
  pocId: string;
  created?: Date;
}

export interface PocModels {
  Poc: ModelStatic<PocRecord>;
  PocTag: ModelStatic<Model<PocTagAttributes>>;
  PocFramework: ModelStatic<Model<PocFrameworkAttributes>>;
  PocFavorite: ModelStatic<Model<PocFavoriteAttributes>>;
}

const uuid = (primaryKey = false) => ({ type: DataTypes.UUID, allowNull: false, primaryKey });
const label = (primaryKey = false) => ({ type: DataTypes.STRING(50), allowNull: false, primaryKey });
const labels = () => ({ type: DataTypes.ARRAY(DataTypes.STRING(50)), allowNull: false, defaultValue: [] });

/**
 * The poc tables (migrations 001 and 200) as Sequelize models on the process's shared
 * instance. Defined per instance rather than as classes bound by `init`, so two databases in
 * one process (tests, the benchmark) never share a model.
 */
export function pocModels(sequelize: Sequelize): PocModels {
  const existing = sequelize.models as Partial<Record<keyof PocModels, unknown>>;
  if (existing.Poc) return existing as unknown as PocModels;
  const Poc = sequelize.define<PocRecord>(
    'Poc',
    {
      id: uuid(true),
      tenantId: uuid(),
      ownerId: uuid(),
      name: { type: DataTypes.STRING(100), allowNull: false },
      description: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
      repoUrl: { type: DataTypes.STRING(255), allowNull: false },
      language: label(),
      languageKey: label(),
      isPublic: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      tags: labels(),
      tagKeys: labels(),
      frameworks: labels(),
      frameworkKeys: labels(),
      deletedAt: { type: DataTypes.DATE, allowNull: true },
      created: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      updated: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
    },
    { tableName: 'pocs' },
  );
  const PocTag = sequelize.define<Model<PocTagAttributes>>(
    'PocTag',
    { tenantId: uuid(), pocId: uuid(true), tag: label(), tagKey: label(true), created: { type: DataTypes.DATE, allowNull: false } },
    { tableName: 'poc_tags' },
  );
  const PocFramework = sequelize.define<Model<PocFrameworkAttributes>>(
    'PocFramework',
    { tenantId: uuid(), pocId: uuid(true), framework: label(), frameworkKey: label(true), created: { type: DataTypes.DATE, allowNull: false } },
    { tableName: 'poc_frameworks' },
  );
  const PocFavorite = sequelize.define<Model<PocFavoriteAttributes>>(
    'PocFavorite',
    { tenantId: uuid(), userId: uuid(true), pocId: uuid(true), created: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW } },
    { tableName: 'poc_favorites' },
  );
  return { Poc, PocTag, PocFramework, PocFavorite };
}
