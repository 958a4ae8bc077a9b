import assert from 'node:assert/strict';
import { groupByTime, relativeTime, timeGroupOf } from '../../../src/core/timeGroups';

describe('history time groups', () => {
  const now = new Date(2026, 10, 21, 15, 0, 0).getTime();
  const at = (d: number, h = 12) => new Date(2026, 10, d, h, 0, 0).getTime();
  it('groups by Today, Yesterday, This week and month', () => {
    assert.equal(timeGroupOf(at(21, 1), now).label, 'Today');
    assert.equal(timeGroupOf(at(20, 23), now).label, 'Yesterday');
    assert.equal(timeGroupOf(at(16), now).label, 'This week');
    assert.equal(timeGroupOf(at(14), now).label, 'November 2026');
    assert.equal(timeGroupOf(new Date(2025, 11, 31).getTime(), now).label, 'December 2025');
  });
  it('opens Today, Yesterday and the group of the newest item, whatever the date', () => {
    const groups = (times: number[]) => groupByTime(times, (t) => t, now).map((g) => `${g.label}:${g.items.length}:${g.open ? 'open' : 'closed'}`);
    // Only old sessions (the corpus, weeks later): their month is open, not a collapsed tree with nothing in view.
    assert.deepEqual(groups([at(2), at(1), new Date(2026, 9, 3).getTime()]), ['November 2026:2:open', 'October 2026:1:closed']);
    assert.deepEqual(groups([at(21, 1), at(20), at(16), at(3)]), ['Today:1:open', 'Yesterday:1:open', 'This week:1:closed', 'November 2026:1:closed']);
    assert.deepEqual(groups([at(20), at(16)]), ['Yesterday:1:open', 'This week:1:closed']);
    // The newest decides, not the order items come in.
    assert.deepEqual(groups([new Date(2026, 9, 3).getTime(), at(16)]), ['October 2026:1:closed', 'This week:1:open']);
    // No time at all: the first group.
    assert.deepEqual(groupByTime([Number.NaN], (t) => t, now).map((g) => g.open), [true]);
    assert.deepEqual(groupByTime([], (t: number) => t, now), []);
  });
  it('says how long ago', () => {
    assert.equal(relativeTime(now - 30_000, now), 'just now');
    assert.equal(relativeTime(now - 5 * 60_000, now), '5 min ago');
    assert.equal(relativeTime(now - 3 * 3600_000, now), '3 h ago');
    assert.equal(relativeTime(now - 26 * 3600_000, now), '1 day ago');
    assert.equal(relativeTime(now - 30 * 86400_000, now), '2026-10-22');
  });
});
