import assert from 'node:assert/strict';
import { parseExecText } from '../../../src/core/execPipeline';
import { ExecStreamParser } from '../../../src/core/execParser';
import { ThreadReducer } from '../../../src/core/threadReducer';
import { parseCliVersion } from '../../../src/core/version';
import type { CommandExecutionItem, FileChangeItem, ThreadState, TodoListItem, Usage } from '../../../src/shared/threadModel';
import { corpusAvailable, corpusFiles, corpusVersions, readCorpus } from '../../helpers/corpus';

const MAIN_USAGE: Usage = { input_tokens: 21066, cached_input_tokens: 2100, output_tokens: 135, reasoning_output_tokens: 45 };
const NO_REASONING = { ...MAIN_USAGE, reasoning_output_tokens: 0 };

interface MainCase {
  version: string;
  file: string;
  family: string;
  threadId: string | null;
  plan: boolean;
  usage: Usage | null;
  /** 0.1.x proto never printed the end of the first command. */
  firstCommandEnds: boolean;
}

const MAIN: MainCase[] = [
  { version: '0.1.2505291658', file: 'exec.txt', family: 'human', threadId: null, plan: false, usage: null, firstCommandEnds: true },
  { version: '0.1.2505291658', file: 'proto.jsonl', family: 'proto', threadId: '9569eaa6-be29-4e7d-bfd0-b8dcc61a647d', plan: false, usage: null, firstCommandEnds: false },
  { version: '0.20.0', file: 'exec.jsonl', family: 'legacy', threadId: null, plan: true, usage: MAIN_USAGE, firstCommandEnds: true },
  { version: '0.42.0', file: 'exec.jsonl', family: 'experimental', threadId: '01a1fd23-f17a-72d0-8bc7-7c691504cbea', plan: true, usage: null, firstCommandEnds: true },
  { version: '0.42.0', file: 'exec-legacy-json.jsonl', family: 'legacy', threadId: null, plan: true, usage: MAIN_USAGE, firstCommandEnds: true },
  { version: '0.45.0', file: 'exec.jsonl', family: 'thread', threadId: '01a1fd24-c4dc-7282-a54b-3259905e0165', plan: true, usage: NO_REASONING, firstCommandEnds: true },
  { version: '0.100.0', file: 'exec.jsonl', family: 'thread', threadId: '01a1fd25-cfda-7ef2-b835-4671d126afc8', plan: true, usage: NO_REASONING, firstCommandEnds: true },
  { version: '0.169.0', file: 'exec.jsonl', family: 'thread', threadId: '01a1fd26-0fa6-7ee1-8045-917ff34d0510', plan: false, usage: MAIN_USAGE, firstCommandEnds: true },
];

function parse(version: string, file: string, cliVersion?: string): { state: ThreadState; family: string } {
  const parser = new ExecStreamParser({ cliVersion: cliVersion ? parseCliVersion(cliVersion) : null });
  const reducer = new ThreadReducer();
  for (const line of readCorpus(version, file).split('\n')) reducer.applyAll(parser.push(line));
  reducer.applyAll(parser.end());
  reducer.apply({ type: 'run.ended', reason: 'end_of_input', exit_code: null });
  return { state: reducer.state, family: parser.family };
}

const byType = <T extends ThreadState['items'][number]['type']>(s: ThreadState, t: T) =>
  s.items.filter((i) => i.type === t) as Extract<ThreadState['items'][number], { type: T }>[];

(corpusAvailable() ? describe : describe.skip)('exec output of every corpus version', () => {
  it('covers every version folder of the corpus', () => {
    const tested = new Set(MAIN.map((c) => c.version));
    for (const v of corpusVersions()) assert.ok(tested.has(v), `corpus version ${v} has no main-run expectations`);
  });

  for (const c of MAIN) {
    describe(`${c.version} ${c.file}`, () => {
      const { state, family } = parse(c.version, c.file);

      it(`is read as the ${c.family} family without skipped lines or unknown events`, () => {
        assert.equal(family, c.family);
        assert.equal(state.skipped_lines, 0, JSON.stringify(state.diagnostics));
        assert.equal(state.unknown_events, 0, JSON.stringify(state.diagnostics));
        assert.equal(state.thread_id, c.threadId);
        assert.equal(state.status, 'completed');
      });

      it('has the messages and reasoning in order', () => {
        const talk = state.items.filter((i) => i.type === 'agent_message' || i.type === 'reasoning').map((i) => `${i.type}:${'text' in i ? i.text.split('\n')[0] : ''}`);
        assert.deepEqual(talk, [
          'reasoning:**Inspecting the workspace**',
          "agent_message:I'll start by inspecting the workspace.",
          'reasoning:**Wrapping up**',
          'agent_message:All done. I ran `echo`, saw `ls` fail on a missing dir, created **notes.txt** and edited it.',
        ]);
      });

      it('has the succeeding and the failing command with their exit codes and output', () => {
        const cmds = byType(state, 'command_execution') as CommandExecutionItem[];
        assert.equal(cmds.length, 2);
        const [ok, bad] = cmds as [CommandExecutionItem, CommandExecutionItem];
        assert.match(ok.command, /echo hello-from-codex && ls/);
        if (c.firstCommandEnds) {
          assert.equal(ok.exit_code, 0);
          assert.equal(ok.status, 'completed');
          assert.match(ok.aggregated_output, /hello-from-codex\nREADME\.md/);
        } else {
          assert.equal(ok.exit_code, null);
          assert.equal(ok.status, 'in_progress');
        }
        assert.match(bad.command, /ls \/definitely-missing-dir/);
        assert.equal(bad.exit_code, 2);
        assert.equal(bad.status, 'failed');
        assert.match(bad.aggregated_output, /No such file or directory/);
      });

      it('has the two file changes with their kinds', () => {
        const changes = (byType(state, 'file_change') as FileChangeItem[]).map((f) => [f.status, f.changes.map((ch) => `${ch.kind} ${ch.path.split('/').pop()}`)]);
        assert.deepEqual(changes, [
          ['completed', ['add notes.txt']],
          ['completed', ['update notes.txt']],
        ]);
      });

      it(c.plan ? 'has the to-do list' : 'has no to-do list (not produced by this version)', () => {
        const todos = byType(state, 'todo_list') as TodoListItem[];
        if (!c.plan) return assert.equal(todos.length, 0);
        assert.equal(todos.length, 1);
        assert.deepEqual(todos[0]!.items.map((t) => [t.text, t.completed]), [
          ['Inspect workspace', true],
          ['Create notes.txt', true],
          ['Verify result', false],
        ]);
      });

      it(c.usage ? 'reports the usage of all six model calls once' : 'reports no usage (none in this format)', () => {
        assert.deepEqual(state.usage, c.usage);
      });

      it('keeps the reading order: message before commands before patches', () => {
        const order = state.items.filter((i) => i.type !== 'todo_list' && i.type !== 'user_message').map((i) => i.type);
        assert.deepEqual(order, ['reasoning', 'agent_message', 'command_execution', 'command_execution', 'file_change', 'file_change', 'reasoning', 'agent_message']);
      });
    });
  }

  describe('legacy --json shows the prompt line as a user message', () => {
    for (const [v, f] of [['0.20.0', 'exec.jsonl'], ['0.42.0', 'exec-legacy-json.jsonl']] as const) {
      it(`${v} ${f}`, () => {
        const { state } = parse(v, f);
        assert.equal(state.items[0]?.type, 'user_message');
        assert.equal((state.items[0] as { text: string }).text, 'Create notes.txt in the workspace, then edit it. Keep a short plan.');
        assert.equal(state.meta.model, v === '0.20.0' ? 'gpt-5' : 'gpt-5-codex');
      });
    }
  });

  describe('resume runs', () => {
    const RESUME: [string, Usage | null][] = [
      ['0.20.0', { input_tokens: 3022, cached_input_tokens: 300, output_tokens: 41, reasoning_output_tokens: 11 }],
      ['0.42.0', null],
      ['0.45.0', { input_tokens: 3022, cached_input_tokens: 300, output_tokens: 41, reasoning_output_tokens: 0 }],
      // 0.80+ report the thread's running total; without the earlier run there is nothing to subtract.
      ['0.100.0', { input_tokens: 24088, cached_input_tokens: 2400, output_tokens: 176, reasoning_output_tokens: 0 }],
      ['0.169.0', { input_tokens: 24088, cached_input_tokens: 2400, output_tokens: 176, reasoning_output_tokens: 56 }],
    ];
    for (const [v, usage] of RESUME) {
      it(`${v}: the appended command and the final message`, () => {
        const { state } = parse(v, 'exec-resume.jsonl');
        assert.equal(state.status, 'completed');
        const cmds = byType(state, 'command_execution') as CommandExecutionItem[];
        assert.equal(cmds.length, 1);
        assert.equal(cmds[0]!.exit_code, 0);
        assert.equal(cmds[0]!.aggregated_output, 'first line (edited)\nsecond line\nthird line\n');
        assert.equal(byType(state, 'agent_message').at(-1)?.text, 'Appended a third line to notes.txt.');
        assert.deepEqual(state.usage, usage);
      });
    }

    for (const v of ['0.45.0', '0.100.0', '0.169.0']) {
      it(`${v}: folding the first run and the resume counts every call once (24,088 input tokens in all)`, () => {
        const cli = parseCliVersion(v);
        const reducer = new ThreadReducer();
        for (const [i, file] of ['exec.jsonl', 'exec-resume.jsonl'].entries()) {
          reducer.beginRun();
          const parser = new ExecStreamParser({ cliVersion: cli, idPrefix: `r${i}:` });
          for (const line of readCorpus(v, file).split('\n')) reducer.applyAll(parser.push(line));
          reducer.applyAll(parser.end({ reason: 'exit', exit_code: 0 }));
          reducer.apply({ type: 'run.ended', reason: 'exit', exit_code: 0 });
        }
        const s = reducer.state;
        assert.equal(s.usage?.input_tokens, 24088);
        assert.equal(s.usage?.cached_input_tokens, 2400);
        assert.equal(s.usage?.output_tokens, 176);
        assert.equal(s.turns.length, 2);
        assert.equal(s.turns[1]!.usage?.input_tokens, 3022);
        assert.equal(s.status, 'completed');
        // ids restart at item_0 in every process; the prefixes keep both runs' items apart.
        assert.equal(byType(s, 'command_execution').length, 3);
      });
    }
  });

  describe('error runs end failed with the CLI message', () => {
    for (const v of corpusVersions()) {
      for (const f of corpusFiles(v).filter((n) => /^(exec|proto)-error.*\.(jsonl|txt)$/.test(n) && !n.includes('stdin'))) {
        it(`${v} ${f}`, () => {
          const { state } = parse(v, f);
          assert.equal(state.status, 'failed');
          assert.equal(state.skipped_lines, 0);
          assert.equal(state.unknown_events, 0);
          const last = state.errors.at(-1) ?? '';
          if (f.includes('429')) assert.match(last, /429/);
          else if (f.includes('failed')) assert.match(last, /invalid content|response\.completed/);
          else assert.match(last, /401/);
          assert.equal(state.items.filter((i) => i.type !== 'user_message').length, 0);
          assert.equal(state.turns.at(-1)?.status, 'failed');
        });
      }
    }
  });

  it('parses every exec and proto file of the corpus without throwing', () => {
    let files = 0;
    for (const v of corpusVersions()) {
      for (const f of corpusFiles(v).filter((n) => /^(exec|proto).*\.(jsonl|txt)$/.test(n) && !n.includes('stdin'))) {
        const s = parseExecText(readCorpus(v, f));
        assert.ok(['completed', 'failed'].includes(s.status), `${v}/${f}: ${s.status}`);
        files++;
      }
    }
    assert.ok(files >= 25, `only ${files} files`);
  });
});
