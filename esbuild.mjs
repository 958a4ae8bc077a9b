// Builds the bundles: the extension host (node, cjs, `vscode` external) and its task host, the webviews (browser),
// the command line (`dist/cli.js`) and the session index's worker. `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { chmod, copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Prints errors in the format of the `$esbuild-watch` problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', plugins: watch ? [problemMatcher] : [] };

/**
 * What the command line's front imports lazily, each built apart: the session index (a cold or changed history) and
 * zod's price validation as CommonJS bundles (dist/cli/<name>.js); the other commands as ES modules split into shared
 * chunks (dist/cli/<name>.mjs), so that `list` or `parse-exec` loads only what it uses.
 */
const LAZY = {
  execCommands: { file: 'src/node/execCommands.ts', esm: true },
  sessionCommands: { file: 'src/node/sessionCommands.ts', esm: true },
  sessionIndex: { file: 'src/node/sessionIndex.ts', esm: false },
  pricing: { file: 'src/core/pricing.ts', esm: false },
};
const lazyEntries = (esm) => Object.fromEntries(Object.entries(LAZY).filter(([, l]) => l.esm === esm).map(([name, l]) => [`cli/${name}`, l.file]));

/**
 * In the front, every `import()` is of a module of the split build (any other would bundle it into the front). A
 * CommonJS one is loaded with `require` (a small stand-in module the front bundles): Node's `import()` of CommonJS
 * scans the file's source for its exports first (cjs-module-lexer), which cost a cold `usage` ~40 ms of its main
 * thread and ~0.2 s of a second core optimising the scanner.
 */
const lazyImports = {
  name: 'lazy-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const name = args.path.split('/').pop();
      if (!Object.hasOwn(LAZY, name)) return { errors: [{ text: `${args.importer}: import('${args.path}') is not one of the lazy modules in esbuild.mjs` }] };
      if (LAZY[name].esm) return { path: `./cli/${name}.mjs`, external: true };
      return { path: name, namespace: 'lazy-cjs' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-cjs' }, (args) => ({ contents: `module.exports = require('./cli/${args.path}.js');`, loader: 'js' }));
    build.onResolve({ filter: /^\.\/cli\// }, (args) => (args.namespace === 'lazy-cjs' ? { path: args.path, external: true } : undefined));
  },
};

const cliCommon = { ...common, outdir: 'dist', platform: 'node', target: 'node20' };

const configs = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.cjs', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, entryPoints: ['src/taskHost.ts'], outfile: 'dist/taskHost.cjs', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['src/webview/usage/main.ts'], outfile: 'dist/usage.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // The command line. `usage` runs on CommonJS bundles (dist/package.json says .js is CommonJS): an ES module's import
  // costs a warm `usage` ~3 ms a module, and the ES loader's start and asynchronous reads ~15 ms more (a cold one,
  // and each of its worker threads, too). The front, dist/cli.js: the dispatcher and `usage`, which answers from its
  // cache without loading anything else; what it loads when needed is listed in LAZY, and the index's worker
  // threads run dist/cli/indexWorker.js.
  {
    ...cliCommon,
    entryPoints: { cli: 'src/cli.ts' },
    format: 'cjs',
    plugins: [...common.plugins, lazyImports],
    // The front's own URL, for what it finds beside it (import.meta is an ES module's).
    banner: { js: "#!/usr/bin/env node\n'use strict';\nconst __cliUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__cliUrl' },
  },
  { ...cliCommon, entryPoints: { ...lazyEntries(false), 'cli/indexWorker': 'src/node/indexWorker.ts' }, format: 'cjs' },
  {
    ...cliCommon,
    entryPoints: lazyEntries(true),
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'cli/[name]-[hash]',
    // ES modules; bundled CommonJS dependencies still need `require` for Node built-ins.
    banner: { js: "import { createRequire as __csCreateRequire } from 'node:module';\nconst require = __csCreateRequire(import.meta.url);" },
  },
];

/** The codicon font and stylesheet, served to the webview from dist/. */
async function copyCodicons() {
  await mkdir('dist', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) await copyFile(`node_modules/@vscode/codicons/dist/${f}`, `dist/${f}`);
}

/**
 * Chunk names carry a hash: those no build output names any more are deleted afterwards (not before, so that a
 * command line started during the build still finds its chunks).
 */
async function removeStaleChunks(results) {
  const fresh = new Set(results.flatMap((r) => Object.keys(r.metafile.outputs)));
  const files = await readdir('dist/cli').catch(() => []);
  await Promise.all(files.filter((f) => !fresh.has(`dist/cli/${f}`)).map((f) => rm(`dist/cli/${f}`, { force: true })));
  // Where the worker was built before it moved into dist/cli/.
  await Promise.all(['dist/indexWorker.js', 'dist/indexWorker.js.map'].map((f) => rm(f, { force: true })));
}

/** Every .js file below dist/ is CommonJS (the package itself is ES modules). */
async function writePackageTypes() {
  await mkdir('dist/cli', { recursive: true });
  await writeFile('dist/package.json', `${JSON.stringify({ type: 'commonjs' })}\n`);
  await rm('dist/cli/package.json', { force: true });
}

await copyCodicons();
await writePackageTypes();
if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
} else {
  const results = await Promise.all(configs.map((c) => esbuild.build({ ...c, metafile: true })));
  await chmod('dist/cli.js', 0o755);
  await removeStaleChunks(results);
}
