import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseRolloutText } from '../../../src/core/rolloutReplay';
import type { RolloutSession } from '../../../src/core/rolloutSession';
import type { CommandExecutionItem, FileChangeItem, ThreadState, TodoListItem, Usage } from '../../../src/shared/threadModel';
import { corpusRollouts, type CorpusRollout } from '../../helpers/codexHome';
import { corpusAvailable, corpusVersions } from '../../helpers/corpus';

const MAIN_USAGE: Usage = { input_tokens: 21066, cached_input_tokens: 2100, output_tokens: 135, reasoning_output_tokens: 45 };
const RESUMED_USAGE: Usage = { input_tokens: 24088, cached_input_tokens: 2400, output_tokens: 176, reasoning_output_tokens: 56 };
const PROMPT = 'Create notes.txt in the workspace, then edit it. Keep a short plan.';

interface VersionFacts {
  family: RolloutSession['family'];
  source: RolloutSession['source'];
  model: string | null;
  /** The rollout records token counts. */
  usage: boolean;
  /** update_plan was accepted (0.169 rejects it). */
  plan: boolean;
  /** Folder the session ran in, from session_meta (none before 0.40). */
  cwd: boolean;
}

const FACTS: Record<string, VersionFacts> = {
  '0.1.2505291658': { family: 'bare', source: 'unknown', model: null, usage: false, plan: false, cwd: false },
  '0.20.0': { family: 'state', source: 'unknown', model: null, usage: false, plan: true, cwd: false },
  // 0.42 wrote originator codex_cli_rs and no source for exec runs too.
  '0.42.0': { family: 'envelope', source: 'cli', model: 'gpt-5-codex', usage: true, plan: true, cwd: true },
  '0.45.0': { family: 'envelope', source: 'exec', model: 'gpt-5-codex', usage: true, plan: true, cwd: true },
  '0.100.0': { family: 'envelope', source: 'exec', model: 'gpt-5.2-codex', usage: true, plan: true, cwd: true },
  '0.169.0': { family: 'envelope', source: 'exec', model: 'gpt-5.5', usage: true, plan: false, cwd: true },
};

function replay(r: CorpusRollout): { state: ThreadState; session: RolloutSession } {
  return parseRolloutText(readFileSync(r.file, 'utf8'));
}

const byType = <T extends ThreadState['items'][number]['type']>(s: ThreadState, t: T) =>
  s.items.filter((i) => i.type === t) as Extract<ThreadState['items'][number], { type: T }>[];

const mainRun = (r: CorpusRollout): boolean => ['sessions', 'sessions-proto', 'sessions-exec-legacy-json', 'sessions-after-resume'].includes(r.run);

(corpusAvailable() ? describe : describe.skip)('rollouts of every corpus version', () => {
  const all = corpusAvailable() ? corpusRollouts() : [];

  it('has facts for every version folder and finds its rollouts', () => {
    for (const v of corpusVersions()) assert.ok(FACTS[v], `no rollout facts for corpus version ${v}`);
    assert.ok(all.length >= 28, `only ${all.length} rollouts`);
  });

  for (const r of all) {
    const facts = FACTS[r.version]!;
    const resumed = r.run === 'sessions-after-resume';
    describe(`${r.version} ${r.run}`, () => {
      const { state, session } = replay(r);

      it('is read whole, with the session facts', () => {
        assert.equal(state.skipped_lines, 0, JSON.stringify(state.diagnostics));
        assert.equal(state.unknown_events, 0, JSON.stringify(state.diagnostics));
        assert.equal(session.family, facts.family);
        assert.equal(session.source, facts.source);
        assert.equal(session.model, facts.model);
        assert.ok(r.file.endsWith(`-${session.id}.jsonl`), 'the id in the file is the id in its name');
        assert.equal(state.thread_id, session.id);
        assert.match(session.started_at ?? '', /^2026-11-21T0\d:\d\d:\d\d\.\d{3}Z$/);
        assert.equal(session.cli_version, facts.family === 'envelope' ? r.version : null);
        if (facts.cwd) assert.match(session.cwd ?? '', new RegExp(`^/home/dev/ws/${r.version.replace(/\./g, '\\.')}`));
        else assert.equal(session.cwd, null);
      });

      it('titles the session with the first real prompt, not the injected context', () => {
        // The proto error run was sent the main prompt; the exec error runs "Say hi.".
        assert.equal(session.title, mainRun(r) || r.run === 'sessions-proto-error' ? PROMPT : 'Say hi.');
        const prompts = byType(state, 'user_message').map((u) => u.text);
        assert.deepEqual(prompts, resumed ? [PROMPT, 'Now append a third line to notes.txt.'] : [session.title]);
      });

      if (!mainRun(r)) {
        it('ends failed or incomplete, with nothing but the prompt', () => {
          assert.equal(state.items.length, 1);
          assert.equal(state.usage, null);
          // Only 0.169 records the error; 0.100 records an empty task_complete; older ones stop.
          if (r.version === '0.169.0') assert.match(state.errors.at(-1) ?? '', r.run === 'sessions-error' ? /401/ : r.run.includes('429') ? /429/ : /invalid content/);
          assert.equal(state.status, r.version === '0.169.0' || r.version === '0.100.0' ? 'failed' : 'incomplete');
        });
        return;
      }

      it('has every command with its output and exit code', () => {
        const cmds = byType(state, 'command_execution') as CommandExecutionItem[];
        assert.equal(cmds.length, resumed ? 3 : 2);
        const [ok, bad, third] = cmds as [CommandExecutionItem, CommandExecutionItem, CommandExecutionItem?];
        assert.equal(ok.command, 'echo hello-from-codex && ls');
        if (r.run === 'sessions-proto') {
          // That run's first command never ran: the proto binary lacked its sandbox helper.
          assert.equal(ok.exit_code, null);
          assert.equal(ok.status, 'failed');
          assert.match(ok.aggregated_output, /codex-linux-sandbox was required/);
        } else {
          assert.equal(ok.exit_code, 0);
          assert.equal(ok.status, 'completed');
          assert.equal(ok.aggregated_output, 'hello-from-codex\nREADME.md\n');
        }
        assert.equal(bad.command, 'ls /definitely-missing-dir');
        assert.equal(bad.exit_code, 2);
        assert.equal(bad.status, 'failed');
        assert.match(bad.aggregated_output, /No such file or directory/);
        if (third) {
          assert.equal(third.exit_code, 0);
          assert.equal(third.aggregated_output, 'first line (edited)\nsecond line\nthird line\n');
        }
      });

      it('has both file changes with their kinds and diffs, and no apply_patch command', () => {
        const changes = (byType(state, 'file_change') as FileChangeItem[]).map((f) => ({ status: f.status, changes: f.changes }));
        assert.equal(changes.length, 2);
        const [add, update] = changes as [(typeof changes)[0], (typeof changes)[0]];
        assert.deepEqual([add.status, update.status], ['completed', 'completed']);
        assert.deepEqual([add.changes.length, update.changes.length], [1, 1]);
        assert.equal(add.changes[0]!.kind, 'add');
        assert.equal(add.changes[0]!.diff, 'first line\n');
        assert.equal(update.changes[0]!.kind, 'update');
        assert.match(update.changes[0]!.diff ?? '', /-first line\n\+first line \(edited\)\n\+second line\n$/);
        for (const c of [add.changes[0]!, update.changes[0]!]) {
          assert.equal(c.path, facts.cwd ? `${session.cwd}/notes.txt` : 'notes.txt');
        }
        assert.ok(!byType(state, 'command_execution').some((c) => c.command.includes('apply_patch')));
      });

      it(facts.plan ? 'has the plan as a to-do list' : 'has no to-do list (update_plan was rejected or absent)', () => {
        const todos = byType(state, 'todo_list') as TodoListItem[];
        if (!facts.plan) return assert.equal(todos.length, 0);
        assert.equal(todos.length, 1);
        assert.equal(todos[0]!.explanation, 'Tracking the demo steps');
        assert.deepEqual(todos[0]!.items.map((t) => [t.text, t.completed, t.status]), [
          ['Inspect workspace', true, 'completed'],
          ['Create notes.txt', true, 'completed'],
          ['Verify result', false, 'in_progress'],
        ]);
      });

      it('shows each message and reasoning summary once, in order', () => {
        const talk = state.items.filter((i) => i.type === 'agent_message' || i.type === 'reasoning').map((i) => `${i.type}:${'text' in i ? i.text.split('\n')[0] : ''}`);
        const first = [
          ...(r.version === '0.1.2505291658' ? [] : ['reasoning:**Inspecting the workspace**']),
          "agent_message:I'll start by inspecting the workspace.",
          ...(r.version === '0.1.2505291658' ? [] : ['reasoning:**Wrapping up**']),
          'agent_message:All done. I ran `echo`, saw `ls` fail on a missing dir, created **notes.txt** and edited it.',
        ];
        assert.deepEqual(talk, resumed ? [...first, 'reasoning:**Appending**', 'agent_message:Appended a third line to notes.txt.'] : first);
      });

      it(facts.usage ? 'counts the tokens of every model call once' : 'has no usage (none recorded)', () => {
        if (!facts.usage) return assert.equal(state.usage, null);
        assert.deepEqual(state.usage, resumed ? RESUMED_USAGE : MAIN_USAGE);
        assert.deepEqual(state.turns[0]!.usage, MAIN_USAGE);
        // A resume adds 2 calls (3022 input): per process before 0.80, on the thread total from 0.80.
        if (resumed) assert.equal(state.turns[1]!.usage?.input_tokens, 3022);
      });

      it('completes one turn per prompt, and records the model', () => {
        assert.equal(state.status, 'completed');
        assert.deepEqual(state.turns.map((t) => t.status), resumed ? ['completed', 'completed'] : ['completed']);
        assert.equal(state.meta.model ?? null, facts.model);
      });
    });
  }
});
