import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { prepareRun } from '../../src/node/codexTask';
import { startDetached } from '../../src/node/detachedRun';
import { TaskSession } from '../../src/node/taskSession';
import type { Usage } from '../../src/shared/threadModel';
import { PagePanel } from '../helpers/pagePanel';
import { CHROMIUM, CHROMIUM_ARGS, openPanelPage } from '../helpers/webviewPage';
import { assistantMessage, defaultUsage, execCommand, reasoningItem, type FakeUsage } from './fakeModelServer';
import { CODEX, REPO, cleanup, codexEnv, eventually, fakeServer, processesMatching, tempDir } from './harness';

const HOST = path.join(REPO, 'dist', 'taskHost.cjs');
const TASKS = 8;
/** Model calls with a command per task; each also brings a reasoning summary and a message. */
const ROUNDS = 20;

/** A marker no other task's text contains (`task3z` is not a prefix of any other). */
const mark = (k: number): string => `task${k}z${process.pid}`;

function addUsage(a: Usage, u: FakeUsage): Usage {
  return { input_tokens: a.input_tokens + u.input, cached_input_tokens: a.cached_input_tokens + u.cached, output_tokens: a.output_tokens + u.output, reasoning_output_tokens: a.reasoning_output_tokens + u.reasoning };
}

describe(`concurrency: ${TASKS} tasks at once against the fake model (real codex, detached hosts, panels in Chromium)`, function () {
  this.timeout(300_000);
  let browser: Browser;
  before(async () => (browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })));
  after(async () => browser?.close());
  afterEach(cleanup);

  it(`every item of every task lands in its own thread and its own panel; token totals add up`, async () => {
    const served: FakeUsage[] = [];
    const servedByTask = new Map<number, number>();
    const server = await fakeServer(
      (req) => {
        const k = Number(/task(\d)z/.exec(JSON.stringify(req.body))?.[1] ?? -1);
        servedByTask.set(k, (servedByTask.get(k) ?? 0) + 1);
        const r = req.functionCallOutputs.length;
        if (k < 0) return { status: 400 };
        if (r >= ROUNDS) return [assistantMessage(`${mark(k)} finished after ${ROUNDS} steps.`)];
        return [reasoningItem(`${mark(k)} thinking ${r}`), assistantMessage(`${mark(k)} step ${r}`), execCommand(`echo ${mark(k)}-out-${r}`, { callId: `c${k}-${r}` })];
      },
      {
        usage: (n) => {
          const u = defaultUsage(n);
          served.push(u);
          return u;
        },
      },
    );
    const env = codexEnv(server);
    // A key that looks real, to scan for: it must reach the model server and nothing the user sees or we keep.
    const key = `sk-proj-${process.pid}Conc0rrencyT3stKeyABCDEFGHIJKLMN`;
    env.extraEnv.OPENAI_API_KEY = key;
    const pages = await Promise.all(Array.from({ length: TASKS }, () => openPanelPage({ browser, height: 900 })));
    const sessions = Array.from({ length: TASKS }, (_, k) => {
      const runDir = path.join(tempDir('cs-run-'), 'run-1');
      return new TaskSession({
        id: `t${k}`, cwd: env.workspace, title: `Task ${k}`,
        settings: () => ({ codexPath: CODEX, model: 'gpt-5-codex', bypassApprovals: true, extraArgs: env.extraArgs, extraEnv: env.extraEnv, timeoutMs: 240_000, killGraceMs: 1000 }),
        run: async (opts) => startDetached(await prepareRun(opts), { runDir, hostScript: HOST }),
      });
    });
    const panels = sessions.map((s, k) => new PagePanel(s, pages[k]!));
    try {
      const started = Date.now();
      const results = await Promise.all(sessions.map((s, k) => s.send(`Task ${mark(k)}: run the ${ROUNDS} steps.`)));
      const ms = Date.now() - started;
      await Promise.all(panels.map((p) => p.settle()));

      let total: Usage = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0 };
      for (const u of served) total = addUsage(total, u);
      const summed: Usage = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0 };
      let itemCount = 0;
      for (let k = 0; k < TASKS; k++) {
        const state = sessions[k]!.state;
        assert.equal(results[k]?.state.status, 'completed', `task ${k}: ${state.errors.join('; ')}`);
        const own = mark(k);
        const cmds = state.items.filter((i) => i.type === 'command_execution');
        assert.deepEqual(cmds.map((c) => (c.type === 'command_execution' ? [c.command.includes(`${own}-out-`), c.exit_code, c.aggregated_output.trim()] : null)), Array.from({ length: ROUNDS }, (_, r) => [true, 0, `${own}-out-${r}`]), `task ${k} commands`);
        const msgs = state.items.filter((i) => i.type === 'agent_message').map((i) => (i.type === 'agent_message' ? i.text : ''));
        assert.deepEqual(msgs, [...Array.from({ length: ROUNDS }, (_, r) => `${own} step ${r}`), `${own} finished after ${ROUNDS} steps.`], `task ${k} messages`);
        assert.equal(state.items.filter((i) => i.type === 'reasoning').length, ROUNDS, `task ${k} reasoning`);
        const json = JSON.stringify(state.items);
        for (let j = 0; j < TASKS; j++) if (j !== k) assert.ok(!json.includes(mark(j)), `task ${k} holds an item of task ${j}`);
        assert.equal(servedByTask.get(k), ROUNDS + 1);
        assert.ok(state.usage);
        for (const key of Object.keys(summed) as (keyof Usage)[]) summed[key] += state.usage[key];
        itemCount += state.items.length;

        // Its panel shows every item, and only its own.
        const page = pages[k]!;
        await page.page.waitForFunction((n) => document.body.dataset.rendered === String(n), state.items.length, { timeout: 30_000 });
        const ids = await page.page.$$eval('#thread article', (els) => els.map((e) => e.getAttribute('data-id')));
        assert.deepEqual(ids, state.items.map((i) => i.id), `panel ${k} items`);
        const text = await page.page.evaluate(() => document.getElementById('thread')!.textContent ?? '');
        for (let r = 0; r < ROUNDS; r++) {
          assert.ok(text.includes(`${own}-out-${r}`) && text.includes(`${own} step ${r}`), `panel ${k} round ${r}`);
        }
        for (let j = 0; j < TASKS; j++) if (j !== k) assert.ok(!text.includes(mark(j)), `panel ${k} shows task ${j}`);
        assert.match(await page.page.innerText('#header'), /Done/);
        assert.deepEqual(await page.cspViolations(), []);
      }
      assert.equal(served.length, TASKS * (ROUNDS + 1));
      assert.ok(server.requests.every((r) => r.authorization === `Bearer ${key}`));
      const seen: string[] = [];
      for (let k = 0; k < TASKS; k++) {
        const page = pages[k]!.page;
        seen.push(await page.content(), JSON.stringify(await page.evaluate(() => (window as unknown as { __state: unknown }).__state)), JSON.stringify(await pages[k]!.sent()));
        seen.push(...panels[k]!.posted, JSON.stringify(sessions[k]!.state), JSON.stringify(sessions[k]!.failure()), results[k]?.stderrTail ?? '');
      }
      const leaks = seen.filter((t) => t.includes(key) || t.includes(key.slice(8, 30))).length;
      console.log(`      secret scan: ${seen.length} page DOMs, page states, messages, thread states and stderr tails; ${leaks} contain the API key`);
      assert.equal(leaks, 0);
      assert.deepEqual(summed, total, 'the tasks\' token totals add up to what the server served');
      console.log(`      ${TASKS} tasks × ${ROUNDS + 1} model calls in ${(ms / 1000).toFixed(1)} s: ${itemCount} items (${itemCount / TASKS} per task), all in their own threads and panels; tokens served ${total.input_tokens} in (${total.cached_input_tokens} cached) / ${total.output_tokens} out (${total.reasoning_output_tokens} reasoning) = sum of the tasks`);
      assert.ok(await eventually(() => processesMatching(`127.0.0.1:${server.port}`).length === 0), 'no codex left');
      assert.ok(await eventually(() => processesMatching(`z${process.pid}-out-`).length === 0), 'no command left');
    } finally {
      for (const s of sessions) s.stop();
      await Promise.all(pages.map((p) => p.close()));
    }
  });
});
