import assert from 'node:assert/strict';
import { isInjectedContext, promptText, titleFromPrompt, userPromptFromContent } from '../../../src/core/sessionTitle';

describe('session titles', () => {
  it('tells injected context from prompts', () => {
    const injected = [
      '<environment_context>\n  <cwd>/w</cwd>\n</environment_context>',
      '  <user_instructions>\nbe brief\n</user_instructions>',
      '# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>\nx\n</INSTRUCTIONS>',
      '<INSTRUCTIONS>\nx\n</INSTRUCTIONS>',
      '<skills_instructions>\n## Skills\n</skills_instructions>',
      '<skill>\n<name>pdf</name>\n</skill>',
      '<user_shell_command>\n<command>ls</command>\n</user_shell_command>',
      '<turn_aborted>\ninterrupted\n</turn_aborted>',
      '<permissions instructions>\nsandbox\n</permissions instructions>',
      '<some_future_block attr="1">\nstate\n</some_future_block>',
      '   ',
    ];
    for (const t of injected) assert.equal(isInjectedContext(t), true, t);
    const prompts = ['Fix the bug', '<task>Fix it</task>', 'Look at <environment_context> in the code', '# AGENTS.md is wrong, fix it', 'Use <b>bold</b> here'];
    for (const t of prompts) assert.equal(isInjectedContext(t), false, t);
  });

  it('takes the request part of an IDE prompt, without image placeholders', () => {
    assert.equal(promptText('# Context from my IDE setup:\n\n## Active file: a.ts\n\n## My request for Codex:\nAdd retry\n<image name=[Image #1]></image>'), 'Add retry');
    assert.equal(promptText('# Files mentioned by the user:\n## a.png: /tmp/a.png\n## My request for Codex:\nLook'), 'Look');
    assert.equal(promptText('  plain  '), 'plain');
    // What New Task from Selection sends: the attached code does not become the title.
    assert.equal(titleFromPrompt('Context: src/a.ts (lines 3-9)\n```typescript\nconst a = 1;\n```\n\n## My request for Codex:\nExplain this'), 'Explain this');
  });

  it('makes a one-line, capped title', () => {
    assert.equal(titleFromPrompt('Fix\n\n  the   bug'), 'Fix the bug');
    const long = titleFromPrompt('word '.repeat(100), 20);
    assert.equal(long.length, 20);
    assert.ok(long.endsWith('…'));
  });

  it('reads the prompt from content parts, dropping injected parts and images', () => {
    assert.equal(
      userPromptFromContent([
        { type: 'input_text', text: '<user_instructions>x</user_instructions>' },
        { type: 'input_text', text: 'first' },
        { type: 'input_image', image_url: 'data:' },
        { type: 'input_text', text: 'second' },
      ]),
      'first\n\nsecond',
    );
    assert.equal(userPromptFromContent([{ type: 'input_text', text: '<environment_context>x</environment_context>' }]), null);
    assert.equal(userPromptFromContent('plain string'), 'plain string');
    assert.equal(userPromptFromContent(null), null);
  });
});
