import assert from 'node:assert/strict';
import { buildTimeline, ReplayPlayer, type PlayerState } from '../../../src/core/replayPlayer';
import { ThreadReducer } from '../../../src/core/threadReducer';
import { corpusFile, rolloutFiles } from '../../helpers/corpus';
import { readFileSync } from 'node:fs';

/** A scheduler that runs timers only when told, recording the delays asked for. */
function manualScheduler() {
  const queue: { fn: () => void; ms: number }[] = [];
  return {
    delays: [] as number[],
    setTimeout(fn: () => void, ms: number) {
      this.delays.push(ms);
      const t = { fn, ms };
      queue.push(t);
      return t;
    },
    clearTimeout(h: unknown) {
      const i = queue.indexOf(h as never);
      if (i >= 0) queue.splice(i, 1);
    },
    runAll() {
      while (queue.length) queue.shift()!.fn();
    },
  };
}

describe('replay player', () => {
  const file = rolloutFiles(corpusFile('0.169.0', 'sessions'))[0]!;
  const frames = buildTimeline(readFileSync(file, 'utf8'));

  it('builds a timeline whose frames give the same thread as a straight replay', () => {
    assert.ok(frames.length > 5);
    assert.ok(frames.every((f, i) => i === 0 || f.at >= frames[i - 1]!.at), 'times never go back');
    const r = new ThreadReducer();
    for (const f of frames) r.applyAll(f.events);
    assert.equal(r.state.items.filter((i) => i.type === 'command_execution').length, 2);
    assert.equal(r.state.usage?.input_tokens, 21066);
  });

  it('plays with the original gaps divided by the speed, pauses, steps and restarts', () => {
    const s = manualScheduler();
    let r = new ThreadReducer();
    const states: PlayerState[] = [];
    const player = new ReplayPlayer(frames, (ev) => r.applyAll(ev), () => (r = new ThreadReducer()), (st) => states.push(st), s);
    player.step();
    assert.equal(player.state.position, 1);
    player.setSpeed(16);
    player.play();
    s.runAll();
    assert.equal(player.state.position, frames.length);
    assert.equal(player.state.playing, false);
    const gaps = frames.slice(1).map((f, i) => Math.min(5000, f.at - frames[i]!.at) / 16);
    assert.deepEqual(s.delays.slice(1, 1 + gaps.length - 1), gaps.slice(1));
    assert.equal(r.state.usage?.input_tokens, 21066);
    player.play(); // at the end: starts over
    assert.equal(player.state.position, 0);
    player.pause();
    assert.equal(states.at(-1)?.playing, false);
  });
});
