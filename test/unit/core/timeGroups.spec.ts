import assert from 'node:assert/strict';
import { relativeTime, timeGroupOf } from '../../../src/core/timeGroups';

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
  it('says how long ago', () => {
    assert.equal(relativeTime(now - 30_000, now), 'just now');
    assert.equal(relativeTime(now - 5 * 60_000, now), '5 min ago');
    assert.equal(relativeTime(now - 3 * 3600_000, now), '3 h ago');
    assert.equal(relativeTime(now - 26 * 3600_000, now), '1 day ago');
    assert.equal(relativeTime(now - 30 * 86400_000, now), '2026-10-22');
  });
});
