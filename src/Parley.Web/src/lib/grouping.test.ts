import { describe, expect, it } from 'vitest';
import { groupByDay, groupSidebar } from './grouping';

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

describe('groupSidebar', () => {
  const folders = [{ id: 'f_work', name: 'Work' }, { id: 'f_empty', name: 'Empty' }];

  it('puts pinned first, then each folder, then the rest by day; pinned wins over a folder', () => {
    const items = [
      { id: 'plain-old', updatedAt: at(30) },
      { id: 'pinned-old', updatedAt: at(40), pinned: true },
      { id: 'pinned-in-folder', updatedAt: at(0), pinned: true, folderId: 'f_work' },
      { id: 'work-new', updatedAt: at(0, 12), folderId: 'f_work' },
      { id: 'work-old', updatedAt: at(9), folderId: 'f_work' },
      { id: 'plain-today', updatedAt: at(0) },
    ];
    const g = groupSidebar(items, folders, now);
    expect(g.pinned.map((i) => i.id)).toEqual(['pinned-in-folder', 'pinned-old']);
    expect(g.folders.map((f) => [f.folder.id, f.items.map((i) => i.id)])).toEqual([['f_work', ['work-new', 'work-old']], ['f_empty', []]]);
    expect(g.days.map((d) => [d.label, d.items.map((i) => i.id)])).toEqual([['Today', ['plain-today']], ['Older', ['plain-old']]]);
  });

  it('treats an unknown folder as none and keeps folders in the order given', () => {
    const g = groupSidebar([{ id: 'orphan', updatedAt: at(0), folderId: 'f_gone' }], [...folders].reverse(), now);
    expect(g.folders.map((f) => f.folder.id)).toEqual(['f_empty', 'f_work']);
    expect(g.days[0].items.map((i) => i.id)).toEqual(['orphan']);
    expect(groupSidebar([], [], now)).toEqual({ pinned: [], folders: [], days: [] });
  });
});
