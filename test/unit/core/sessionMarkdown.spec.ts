import assert from 'node:assert/strict';
import { emptySession } from '../../../src/core/rolloutSession';
import { itemMarkdown, sessionMarkdown } from '../../../src/core/sessionMarkdown';
import { reduceEvents } from '../../../src/core/threadReducer';

describe('session Markdown export', () => {
  it('fences code so no content can close the fence', () => {
    const md = itemMarkdown({ id: 'c', type: 'command_execution', command: 'cat README.md', aggregated_output: '```js\nx\n````\n', exit_code: 0, status: 'completed' });
    assert.match(md, /^\*\*Command\*\* \(exit 0\)\n\n```sh\ncat README\.md\n```\n\n`````text\n```js\nx\n````\n`````$/);
  });

  it('writes tools, errors and a heading from the title', () => {
    const state = reduceEvents([
      { type: 'turn.started' },
      { type: 'item.completed', item: { id: 'u', type: 'user_message', text: 'line 1\n\nline 2' } },
      { type: 'item.completed', item: { id: 't', type: 'mcp_tool_call', server: 'gh', tool: 'issue', arguments: { n: 1 }, result: null, error: { message: 'nope' }, status: 'failed' } },
      { type: 'turn.failed', error: { message: 'boom' } },
    ]);
    const md = sessionMarkdown(state, { ...emptySession(), title: 'Fix it', source: 'cli' });
    assert.match(md, /^# Fix it\n\n- \*\*Source:\*\* cli\n- \*\*Status:\*\* failed\n/);
    assert.match(md, /### User\n\n> line 1\n>\n> line 2/);
    assert.match(md, /\*\*Tool\*\* `gh\.issue` \(failed\)\n\n```json\n\{\n {2}"n": 1\n\}\n```\n\nError: nope/);
    assert.match(md, /## Errors\n\n- boom\n$/);
  });
});
