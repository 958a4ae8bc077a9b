// Builds the bundles: the extension host (node, cjs, `vscode` external) and its task host, the webviews (browser),
// the command line (`dist/cli.js`) and the session index's worker. `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { chmod, copyFile, mkdir, readdir, rm } from 'node:fs/promises';

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

/** What the command line's front imports lazily: each a module of the split build, dist/cli/<name>.js. */
const LAZY = {
  execCommands: 'src/node/execCommands.ts',
  sessionCommands: 'src/node/sessionCommands.ts',
  sessionIndex: 'src/node/sessionIndex.ts',
  pricing: 'src/core/pricing.ts',
};

/** In the front, every `import()` is of a module of the split build (any other would bundle it into the front). */
const lazyImports = {
  name: 'lazy-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const name = args.path.split('/').pop();
      if (!Object.hasOwn(LAZY, name)) return { errors: [{ text: `${args.importer}: import('${args.path}') is not one of the lazy modules in esbuild.mjs` }] };
      return { path: `./cli/${name}.js`, external: true };
    });
  },
};

const cliCommon = {
  ...common,
  outdir: 'dist',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The package is ESM; bundled CommonJS dependencies still need `require` for Node built-ins.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __csCreateRequire } from 'node:module';\nconst require = __csCreateRequire(import.meta.url);" },
};

const configs = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.cjs', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, entryPoints: ['src/taskHost.ts'], outfile: 'dist/taskHost.cjs', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['src/webview/usage/main.ts'], outfile: 'dist/usage.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // The command line in two parts. The front, dist/cli.js, is one module (each module an ES import loads costs a
  // warm `usage` ~3 ms): the dispatcher and `usage`, which answers from its cache without loading anything else.
  // What the front imports lazily is built apart, split (dist/cli/): the other commands, the session index (a cold
  // or changed history), zod's price validation, and the index's worker threads (dist/indexWorker.js), which share
  // those chunks and load only what a job needs.
  { ...cliCommon, entryPoints: { cli: 'src/cli.ts' }, plugins: [...common.plugins, lazyImports] },
  {
    ...cliCommon,
    entryPoints: { ...Object.fromEntries(Object.entries(LAZY).map(([name, file]) => [`cli/${name}`, file])), indexWorker: 'src/node/indexWorker.ts' },
    splitting: true,
    chunkNames: 'cli/[name]-[hash]',
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
}

await copyCodicons();
if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
} else {
  const results = await Promise.all(configs.map((c) => esbuild.build({ ...c, metafile: true })));
  await chmod('dist/cli.js', 0o755);
  await removeStaleChunks(results);
}
