// `npm run test:vscode`: the extension-host checks in desktop VS Code via @vscode/test-electron, for machines that
// can download VS Code (CI here cannot: it uses the code-server UI tests instead, `npm run test:ui`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'test', 'vscode', 'suite.cjs'),
    launchArgs: ['--disable-extensions', '--disable-workspace-trust', path.join(root, 'test', 'fixtures')],
  });
} catch (e) {
  console.error(`test:vscode failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
