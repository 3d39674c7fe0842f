#!/usr/bin/env node
// The `flint` command: runs the compiled CLI in out/cli (bundled by `npm run build`, which `npm ci`
// in a checkout and `npm pack` run through `prepare`; the packed package ships it). Nothing is
// transpiled at run time. In a checkout (the TypeScript sources beside bin/) a source newer than
// the build is named on stderr, so an edit that was not rebuilt is never run without a word.
import { createRequire } from 'node:module';

// node:fs through require(), not `import`: an ES import of node:fs makes Node build its ES facade,
// which reads every export, and the ReadStream/WriteStream getters load the stream modules (a few
// ms of every start in --cpu-prof); build/bundle.ts does the same for the bundles
const { existsSync, readFileSync, statSync } = createRequire(import.meta.url)('node:fs');

const root = new URL('../', import.meta.url);
const entry = new URL('out/cli/flint.mjs', root);

if (!existsSync(entry)) {
  process.stderr.write(`flint: the compiled CLI is missing (${entry.pathname}); run \`npm run build\` in ${root.pathname}\n`);
  process.exit(1);
}

if (existsSync(new URL('electron/cli/index.ts', root))) {
  const list = new URL('out/cli/sources.json', root);
  try {
    const built = statSync(list).mtimeMs;
    // one stat per source (no separate existence check): this runs at every start in a checkout
    const changed = JSON.parse(readFileSync(list, 'utf8')).sources.find((f) => {
      const st = statSync(new URL(f, root), { throwIfNoEntry: false });
      return !st || st.mtimeMs > built;
    });
    if (changed)
      process.stderr.write(`flint: warning: ${changed} changed after the last build; run \`npm run build\` (this run uses the build)\n`);
  } catch {
    process.stderr.write('flint: warning: out/cli/sources.json is missing or unreadable; run `npm run build`\n');
  }
}

const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
