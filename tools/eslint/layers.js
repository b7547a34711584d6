// The layering of the house as a lint rule: a reach-back fails CI with a message naming the
// rule and both folders, instead of waiting for a review. Paths are resolved, not matched as
// text, so a folder that shares a name with a layer (infra/jobs, bench/media) is no false alarm.
'use strict';
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');

/** Which top-level folders each layer may import. Unlisted places (test/, bench/, tools/) may import anything. */
const MAY_IMPORT = {
  protocol: ['protocol'],
  config: ['config', 'protocol'],
  infra: ['infra', 'config', 'protocol'],
  media: ['media', 'infra', 'config', 'protocol'],
  gateway: ['gateway', 'infra', 'config', 'protocol'],
  actors: ['actors', 'media', 'infra', 'config', 'protocol'],
  // The broker settings (moleculer.config.ts) are wiring, for processes that start a broker.
  jobs: ['jobs', 'moleculer.config', 'infra', 'config', 'protocol'],
  'moleculer.config': ['infra', 'config', 'protocol'],
  // Clients run on users' devices: they share the contract and nothing else of the server.
  clients: ['clients', 'protocol'],
  // deploy/ wires everything: it may import every layer.
};

/** Packages the contract may use: it is shared with clients, so nothing but zod. */
const PROTOCOL_PACKAGES = new Set(['zod']);
/** Packages the client SDK may use: it runs in browsers, Node and React Native (zod for types only). */
const SDK_PACKAGES = new Set(['zod', 'yjs', 'y-protocols', 'lib0']);
/** ...and its media module (src/media*.ts, the `@pocdojo/sdk/media` entry) also mediasoup-client, which the core never loads. */
const SDK_MEDIA_PACKAGES = new Set(['mediasoup-client']);

function place(file) {
  const relative = path.relative(ROOT, file);
  if (relative.startsWith('..')) return undefined;
  const parts = relative.split(path.sep);
  // A root file is its own place, with or without its extension: moleculer.config(.ts).
  return parts.length === 1 ? [parts[0].replace(/\.ts$/, '')] : parts;
}

function isTest(parts) {
  const name = parts[parts.length - 1];
  return /\.test\.ts$/.test(name) || parts.includes('testing') || /^testing\.ts$/.test(name);
}

module.exports = {
  rules: {
    layers: {
      meta: {
        type: 'problem',
        docs: { description: 'Imports follow the layering: protocol <- config <- infra <- media, gateway <- actors <- jobs, deploy; no actor imports a sibling actor' },
        schema: [],
      },
      create(context) {
        const from = place(context.filename);
        // Tests drive the system from outside (nodes, sockets, support helpers): they may import anything.
        if (!from || isTest(from)) return {};
        const layer = from[0];
        const allowed = MAY_IMPORT[layer];
        const check = (node) => {
          const source = node.source && node.source.value;
          if (typeof source !== 'string') return;
          if (!source.startsWith('.')) {
            if (layer === 'protocol' && !PROTOCOL_PACKAGES.has(source.split('/')[0])) {
              context.report({ node: node.source, message: `layers: protocol/ is shared with clients and imports only zod, not "${source}"` });
            }
            const sdkMedia = /^media/.test(from[from.length - 1]) && SDK_MEDIA_PACKAGES.has(source);
            if (layer === 'clients' && from[1] === 'sdk' && !SDK_PACKAGES.has(source.split('/')[0]) && !sdkMedia) {
              context.report({
                node: node.source,
                message: `layers: clients/sdk runs in browsers, Node and React Native; it imports only ${[...SDK_PACKAGES].join(', ')}, not "${source}" (inject runtime pieces instead)`,
              });
            }
            return;
          }
          const to = place(path.resolve(path.dirname(context.filename), source));
          if (!to) return;
          const target = to[0];
          if (allowed && !allowed.includes(target)) {
            context.report({ node: node.source, message: `layers: ${layer}/ may not import ${target}/ ("${source}"); move what both need down to protocol/ or infra/` });
            return;
          }
          // An actor builds on the shared actors/ files (auth, errors, index), never on a sibling's insides.
          if (layer === 'actors' && target === 'actors' && from.length > 2 && to.length > 2 && from[1] !== to[1]) {
            context.report({ node: node.source, message: `layers: actors/${from[1]}/ may not import actors/${to[1]}/ ("${source}"); call its actions, or move the shared part to infra/` });
          }
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};
