import { describe, expect, it } from 'vitest';
import { groupByDay } from './grouping';

const now = new Date(2026, 10, 21, 15, 0, 0);
const at = (daysAgo: number, hour = 10) => new Date(2026, 10, 21 - daysAgo, hour).toISOString();

describe('groupByDay', () => {
  it('groups newest first into Today / Yesterday / Previous 7 days / Older', () => {
    const items = [
      { id: 'old', updatedAt: at(90) },
      { id: 'today-early', updatedAt: at(0, 1) },
      { id: 'week', updatedAt: at(5) },
      { id: 'yesterday', updatedAt: at(1, 23) },
      { id: 'today-late', updatedAt: at(0, 14) },
      { id: 'month', updatedAt: at(20) },
    ];
    const groups = groupByDay(items, now);
    expect(groups.map((g) => g.label)).toEqual(['Today', 'Yesterday', 'Previous 7 days', 'Older']);
    expect(groups[0].items.map((i) => i.id)).toEqual(['today-late', 'today-early']);
    expect(groups[1].items.map((i) => i.id)).toEqual(['yesterday']);
    expect(groups[3].items.map((i) => i.id)).toEqual(['month', 'old']);
  });

  it('leaves out empty groups and puts bad dates in Older', () => {
    const groups = groupByDay([{ id: 'x', updatedAt: 'not a date' }, { id: 'y', updatedAt: at(0) }], now);
    expect(groups.map((g) => g.label)).toEqual(['Today', 'Older']);
    expect(groupByDay([], now)).toEqual([]);
  });

  it('counts yesterday by calendar day, not by 24 hours', () => {
    const justBeforeMidnight = new Date(2026, 10, 20, 23, 59).toISOString();
    const morning = new Date(2026, 10, 21, 0, 5);
    expect(groupByDay([{ updatedAt: justBeforeMidnight }], morning)[0].label).toBe('Yesterday');
  });
});
