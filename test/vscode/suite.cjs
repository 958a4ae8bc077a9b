// Runs inside VS Code's extension host (plain CommonJS: the host loads it with require).
const assert = require('node:assert/strict');
const vscode = require('vscode');

const EXTENSION_ID = 'codex-sessions.codex-sessions';

async function check(name, fn) {
  try {
    await fn();
    console.log(`  ✔ ${name}`);
    return true;
  } catch (e) {
    console.error(`  ✘ ${name}: ${e && e.stack ? e.stack : e}`);
    return false;
  }
}

/** The same extension-host checks the code-server UI tests make, where they need no UI. */
exports.run = async function run() {
  const results = [];
  results.push(await check('the extension activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension installed');
    await ext.activate();
    assert.equal(ext.isActive, true);
  }));
  results.push(await check('every contributed command is registered', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    const contributed = ext.packageJSON.contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  }));
  results.push(await check('settings have their documented defaults', async () => {
    const c = vscode.workspace.getConfiguration('codexSessions');
    assert.equal(c.get('bypassApprovals'), false);
    assert.deepEqual(c.get('cliArgs'), []);
    assert.equal(c.get('history.workspaceOnly'), true);
  }));
  results.push(await check('"Codex: Show Log" runs', async () => {
    await vscode.commands.executeCommand('codexSessions.showLog');
  }));
  const failed = results.filter((r) => !r).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} extension-host check(s) failed`);
};
