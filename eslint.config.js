// ESLint (flat config): typescript-eslint's recommended rules and the project's layering rule
// (tools/eslint/layers.js). `npm run lint`; CI runs it before the tests.
'use strict';
const tseslint = require('typescript-eslint');
const layers = require('./tools/eslint/layers');

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'media/worker-build/subprojects/**', 'clients/console/dist/**', 'test-artifacts/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommended],
    plugins: { pocdojo: layers },
    rules: {
      'pocdojo/layers': 'error',
    },
  },
);
