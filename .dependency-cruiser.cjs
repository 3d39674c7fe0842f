/**
 * The layer rules of docs/architecture.md, enforced by `npm run lint:layers` (dependency-cruiser).
 * A folder is a layer; imports run one way:
 *   renderer -> contract;  contract -> nothing;  core -> nothing above it, never Electron;
 *   app -> core, contract;  shells (main, preload, bridge, cli) -> app, core, contract;
 *   helper (native/) -> its slice of core, no networking.
 * A violation prints the rule's name, the importing file and the imported one.
 */
const NET = '^(node:)?(net|http|https|http2|dgram|tls|dns)(/|$)';
const SHELLS = '^electron/(main|preload|bridge|cli)/';

module.exports = {
  forbidden: [
    {
      name: 'contract-imports-nothing',
      comment: 'electron/contract holds types, guards and protocol constants only; it imports nothing outside itself.',
      severity: 'error',
      from: { path: '^electron/contract/' },
      to: { pathNot: '^electron/contract/' },
    },
    {
      name: 'renderer-only-contract',
      comment: 'The renderer talks to the core through the contract only (window.flint or the bridge client).',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(electron|native)/', pathNot: '^electron/contract/' },
    },
    {
      name: 'renderer-no-node',
      comment: 'The renderer runs in a sandboxed page: no Node built-ins.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-stays-core',
      comment:
        'electron/core is the engine: it imports no other layer of Flint, except the error-code catalogue (protocol constants every layer shares).',
      severity: 'error',
      from: { path: '^electron/core/' },
      to: { path: '^(electron|native|renderer)/', pathNot: '^electron/core/|^electron/contract/error-codes\\.ts$' },
    },
    {
      name: 'no-electron-below-shells',
      comment: 'Only the Electron main process and the preload may import electron.',
      severity: 'error',
      from: { pathNot: '^(electron/(main|preload)/|tests/|build/|scripts/)' },
      to: { path: '^node_modules/electron/' },
    },
    {
      name: 'app-uses-core-and-contract',
      comment: 'electron/app (services shared by the desktop shell and flint ui) builds on core and the contract only.',
      severity: 'error',
      from: { path: '^electron/app/' },
      to: { path: '^(electron|native|renderer)/', pathNot: '^electron/(app|core|contract)/' },
    },
    {
      name: 'shells-do-not-import-shells',
      comment: 'main, preload, bridge and cli sit side by side on app, core and contract; only `flint ui` starts the bridge.',
      severity: 'error',
      from: { path: '^electron/(main|preload|bridge|cli)/' },
      to: { path: SHELLS, pathNot: ['^electron/$1/', '^electron/bridge/ui-server\\.ts$'] },
    },
    {
      name: 'bridge-started-only-by-cli',
      comment: 'The bridge is started by the CLI (`flint ui`) and by nothing else above it.',
      severity: 'error',
      from: { path: '^electron/(main|preload)/' },
      to: { path: '^electron/bridge/' },
    },
    {
      name: 'shells-no-native',
      comment: 'Shells start the helper by its command line (electron/core/write), never by importing it.',
      severity: 'error',
      from: { path: '^(electron|renderer)/' },
      to: { path: '^native/' },
    },
    {
      name: 'helper-core-slice',
      comment:
        'The elevated helper is a shell around the writer engine and loads the smallest slice of core: errors, progress, codecs, iso, drives, the write job format, the engine and its per-OS steps, the restore steps, and the error codes.',
      severity: 'error',
      from: { path: '^native/' },
      to: {
        path: '^(electron|renderer)/',
        pathNot:
          '^electron/core/(errors|progress|safe-path|install-root)\\.ts$|^electron/core/(codecs|iso|drives)/|^electron/core/write/(job|events)\\.ts$|^electron/core/write/(engine|os|restore)/|^electron/contract/error-codes\\.ts$',
      },
    },
    {
      name: 'helper-no-network',
      comment: 'Privileged code opens no socket: no networking module anywhere in the helper.',
      severity: 'error',
      from: { path: '^native/' },
      to: { path: NET },
    },
    {
      name: 'helper-reach-no-network',
      comment: 'Nothing the helper reaches (its core slice included) loads a networking module.',
      severity: 'error',
      from: {
        path: '^electron/core/(errors|progress|safe-path|cmdline|live-names|codecs/|iso/|drives/|write/(job|events|engine/|os/|restore/))|^electron/contract/error-codes',
      },
      to: { path: NET },
    },
    {
      name: 'no-test-code-in-source',
      comment: 'Shipped code never loads tests, build scripts or dev tooling: they are not in the packaged app.',
      severity: 'error',
      from: { path: '^(electron|native|renderer)/' },
      to: { path: '^(tests|scripts|build|bin)/' },
    },
    {
      name: 'no-cycles',
      comment:
        'Modules form no run-time import cycle (core/iso and core/pxe used to import each other); type-only imports are erased and may be mutual (the store slices).',
      severity: 'error',
      from: { path: '^(electron|native|renderer)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
