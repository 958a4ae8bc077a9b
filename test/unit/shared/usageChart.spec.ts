import assert from 'node:assert/strict';
import { addDays, assignSlots, bucketSizeFor, bucketStart, dayLabel, daysBetween, labelStride, MAX_BARS, niceScale, OTHER_SLOT, stackByModel, type ChartCell } from '../../../src/shared/usageChart';
import { formatTokens, formatTokensExact, formatUsd } from '../../../src/shared/usageFormat';

describe('usage chart arithmetic', () => {
  it('walks calendar days across month, year and DST boundaries', () => {
    assert.equal(addDays('2026-02-28', 1), '2026-03-01');
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2026-03-30', -30), '2026-02-28');
    // 2026-03-29 is a DST change in Europe, 03-08 in the US: still exactly one day per step.
    assert.deepEqual(daysBetween('2026-03-07', '2026-03-10'), ['2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
    assert.equal(daysBetween('2026-10-25', '2026-11-23').length, 30);
    assert.deepEqual(daysBetween('2026-11-02', '2026-11-01'), []);
  });

  it('buckets by day up to MAX_BARS days, then by week (Mondays), then by month', () => {
    assert.equal(bucketSizeFor(30), 'day');
    assert.equal(bucketSizeFor(MAX_BARS), 'day');
    assert.equal(bucketSizeFor(MAX_BARS + 1), 'week');
    assert.equal(bucketSizeFor(MAX_BARS * 7 + 1), 'month');
    assert.equal(bucketStart('2026-11-21', 'week'), '2026-11-16'); // a Saturday → its Monday
    assert.equal(bucketStart('2026-11-16', 'week'), '2026-11-16');
    assert.equal(bucketStart('2026-11-22', 'week'), '2026-11-16'); // Sunday ends the week
    assert.equal(bucketStart('2026-11-21', 'month'), '2026-11-01');
    assert.equal(dayLabel('2026-11-01'), 'Nov 1');
    assert.equal(dayLabel('2026-11-01', 'month'), 'Nov 2026');
  });

  it('makes nice axes: round maximum at or above the data, evenly spaced ticks', () => {
    assert.deepEqual(niceScale(0), { max: 1, ticks: [0, 1] });
    assert.deepEqual(niceScale(Number.NaN), { max: 1, ticks: [0, 1] });
    assert.deepEqual(niceScale(100), { max: 100, ticks: [0, 25, 50, 75, 100] });
    assert.deepEqual(niceScale(101), { max: 150, ticks: [0, 50, 100, 150] });
    assert.deepEqual(niceScale(3.7), { max: 4, ticks: [0, 1, 2, 3, 4] });
    assert.deepEqual(niceScale(0.013), { max: 0.015, ticks: [0, 0.005, 0.01, 0.015] });
    for (const max of [1, 7, 19, 999, 1234, 98765, 1.5e6, 123456789, 0.37]) {
      const s = niceScale(max);
      assert.ok(s.max >= max, `${max}: top ${s.max}`);
      assert.ok(s.max < max * 2.6, `${max}: top ${s.max} is not wasteful`);
      assert.ok(s.ticks.length >= 2 && s.ticks.length <= 6, `${max}: ${s.ticks.length} ticks`);
      const step = s.ticks[1]! - s.ticks[0]!;
      s.ticks.forEach((t, i) => assert.ok(Math.abs(t - i * step) < step * 1e-9, `${max}: even ticks ${s.ticks}`));
    }
  });

  const cells: ChartCell[] = [
    { day: '2026-11-20', model: 'gpt-5', tokens: 1000, usd: 0.5 },
    { day: '2026-11-20', model: 'gpt-5-codex', tokens: 3000, usd: 0.25 },
    { day: '2026-11-21', model: 'gpt-5', tokens: 500, usd: 0.1 },
    { day: '2026-11-21', model: null, tokens: 700, usd: null },
    { day: '2026-10-01', model: 'gpt-5', tokens: 99_999, usd: 9 }, // outside the range
  ];

  it('stacks by model, largest total first, one bar per day, totals per bar', () => {
    const c = stackByModel(cells, '2026-11-19', '2026-11-21', 'tokens');
    assert.equal(c.bucket, 'day');
    assert.deepEqual(c.buckets.map((b) => b.start), ['2026-11-19', '2026-11-20', '2026-11-21']);
    assert.deepEqual(c.series.map((s) => [s.label, s.total]), [['gpt-5-codex', 3000], ['gpt-5', 1500], ['unknown model', 700]]);
    assert.deepEqual(c.buckets.map((b) => b.values), [[0, 0, 0], [3000, 1000, 0], [0, 500, 700]]);
    assert.deepEqual(c.buckets.map((b) => b.total), [0, 4000, 1200]);
    assert.equal(c.scale.max, 4000);
  });

  it('a cost chart leaves unpriced tokens out and orders by cost', () => {
    const c = stackByModel(cells, '2026-11-19', '2026-11-21', 'usd');
    assert.deepEqual(c.series.map((s) => s.label), ['gpt-5', 'gpt-5-codex']);
    assert.deepEqual(c.buckets.map((b) => b.total), [0, 0.75, 0.1]);
  });

  it('folds models beyond the limit into "Other", keeping every token', () => {
    const many: ChartCell[] = Array.from({ length: 9 }, (_, i) => ({ day: '2026-11-21', model: `m${i}`, tokens: (i + 1) * 10, usd: 0 }));
    const c = stackByModel(many, '2026-11-21', '2026-11-21', 'tokens', 4);
    assert.deepEqual(c.series.map((s) => s.label), ['m8', 'm7', 'm6', 'Other (6 models)']);
    assert.equal(c.series[3]!.slot, OTHER_SLOT);
    assert.equal(c.series[3]!.total, 10 + 20 + 30 + 40 + 50 + 60);
    assert.equal(c.buckets[0]!.total, many.reduce((a, m) => a + m.tokens, 0));
  });

  it('a year of days becomes weekly bars that still add up', () => {
    const year: ChartCell[] = daysBetween('2025-11-22', '2026-11-21').map((day, i) => ({ day, model: i % 2 ? 'a' : 'b', tokens: 10, usd: 0.01 }));
    const c = stackByModel(year, '2025-11-22', '2026-11-21', 'tokens');
    assert.equal(c.bucket, 'week');
    assert.ok(c.buckets.length <= 54 && c.buckets.length >= 52, `${c.buckets.length} weeks`);
    assert.equal(c.buckets[0]!.start, '2025-11-17'); // the Monday before the first day
    assert.equal(c.buckets.at(-1)!.end, '2026-11-21');
    assert.equal(c.buckets.reduce((a, b) => a + b.total, 0), 365 * 10);
  });

  it('keeps each model in its colour across ranges and metrics', () => {
    const slots = new Map<string, number>();
    const series = (keys: string[]) => keys.map((key, slot) => ({ key, label: key, slot, total: 1 }));
    assert.deepEqual(assignSlots(series(['a', 'b', 'c']), slots).map((s) => s.slot), [0, 1, 2]);
    // Another range: b is now the largest, d is new, a is absent: b and c keep theirs, d takes a free slot that a
    // did not have, so a keeps slot 0 for when it comes back.
    assert.deepEqual(assignSlots(series(['b', 'd', 'c']), slots).map((s) => [s.key, s.slot]), [['b', 1], ['d', 3], ['c', 2]]);
    assert.deepEqual(assignSlots(series(['a', 'd']), slots).map((s) => s.slot), [0, 3]);
    // "Other" keeps its own colour.
    const withOther = [...series(['a']), { key: 'x', label: 'Other (3 models)', slot: OTHER_SLOT, total: 1 }];
    assert.equal(assignSlots(withOther, slots)[1]!.slot, OTHER_SLOT);
    // More models than colours: each chart still gets distinct slots while there are free ones.
    const many = assignSlots(series(['p', 'q', 'r', 's', 't', 'u']), slots).map((s) => s.slot);
    assert.equal(new Set(many).size, 6);
  });

  it('spaces axis labels so they do not overlap', () => {
    assert.equal(labelStride(30, 900), 2);
    assert.equal(labelStride(7, 900), 1);
    assert.equal(labelStride(90, 600), 8);
    assert.equal(labelStride(0, 600), 1);
  });

  it('formats tokens and dollars compactly, never rounding a cost to $0.00', () => {
    assert.deepEqual([0, 950, 1000, 21066, 99_949, 99_960, 999_999, 3_400_000, 2.1e9].map(formatTokens), ['0', '950', '1.0K', '21.1K', '99.9K', '100K', '1.0M', '3.4M', '2.1B']);
    assert.equal(formatTokensExact(1234567), '1,234,567');
    assert.deepEqual([0, 0.001, 0.004, 0.005, 1.234, 999.99, 12345.6].map(formatUsd), ['$0', '<$0.01', '<$0.01', '$0.01', '$1.23', '$999.99', '$12,346']);
  });
});
