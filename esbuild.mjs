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

const configs = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.cjs', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, entryPoints: ['src/taskHost.ts'], outfile: 'dist/taskHost.cjs', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['src/webview/usage/main.ts'], outfile: 'dist/usage.js', platform: 'browser', format: 'iife', target: 'es2022' },
  {
    ...common,
    // Split: each subcommand's code is a chunk (dist/cli/) that `main` imports when that command runs, so
    // `usage` never loads zod or the exec pipeline it does not need (startup was most of a warm `usage`).
    // The session index's worker threads (dist/indexWorker.js) share the chunks and load only what a job needs.
    entryPoints: { cli: 'src/cli.ts', indexWorker: 'src/node/indexWorker.ts' },
    outdir: 'dist',
    splitting: true,
    chunkNames: 'cli/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The package is ESM; bundled CommonJS dependencies still need `require` for Node built-ins.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __csCreateRequire } from 'node:module';\nconst require = __csCreateRequire(import.meta.url);" },
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
