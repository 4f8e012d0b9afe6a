import { describe, expect, it } from 'vitest';
import { activePath, buildIndex, defaultLeaf, newestLeafUnder, siblingsOf, switchVersion } from './tree';

// u1 → a1 → u2 → a2
//          ↘ u2b → a2b        (u2b: an edit of u2)
//    ↘ a1b                    (a1b: a regenerated a1)
const nodes = [
  { id: 'u1', parentId: null },
  { id: 'a1', parentId: 'u1' },
  { id: 'u2', parentId: 'a1' },
  { id: 'a2', parentId: 'u2' },
  { id: 'u2b', parentId: 'a1' },
  { id: 'a2b', parentId: 'u2b' },
  { id: 'a1b', parentId: 'u1' },
];
const index = buildIndex(nodes);

describe('message tree', () => {
  it('defaults to the newest leaf', () => {
    expect(defaultLeaf(index)).toBe('a1b');
    expect(activePath(index, null)).toEqual(['u1', 'a1b']);
  });

  it('walks from the root to a chosen leaf', () => {
    expect(activePath(index, 'a2')).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(activePath(index, 'unknown')).toEqual(['u1', 'a1b']);
  });

  it('lists versions as siblings, oldest first', () => {
    expect(siblingsOf(index, 'u2b')).toEqual({ ids: ['u2', 'u2b'], index: 1 });
    expect(siblingsOf(index, 'a1')).toEqual({ ids: ['a1', 'a1b'], index: 0 });
    expect(siblingsOf(index, 'u1')).toEqual({ ids: ['u1'], index: 0 });
  });

  it("switching a version shows that branch's newest descendant", () => {
    expect(newestLeafUnder(index, 'a1')).toBe('a2b');
    expect(switchVersion(index, 'a1b', -1)).toBe('a2b');
    expect(activePath(index, switchVersion(index, 'u2b', -1))).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(switchVersion(index, 'u2', 1)).toBe('a2b');
    expect(switchVersion(index, 'u2', -1)).toBeNull();
    expect(switchVersion(index, 'u2b', 1)).toBeNull();
  });

  it('treats several roots (edits of the first message) as versions', () => {
    const idx = buildIndex([{ id: 'r1', parentId: null }, { id: 'x', parentId: 'r1' }, { id: 'r2', parentId: null }]);
    expect(siblingsOf(idx, 'r2')).toEqual({ ids: ['r1', 'r2'], index: 1 });
    expect(activePath(idx, null)).toEqual(['r2']);
    expect(activePath(idx, switchVersion(idx, 'r2', -1))).toEqual(['r1', 'x']);
  });

  it('handles an empty tree and survives a cycle', () => {
    expect(activePath(buildIndex([]), null)).toEqual([]);
    const cyc = buildIndex([{ id: 'a', parentId: 'b' }, { id: 'b', parentId: 'a' }]);
    expect(activePath(cyc, 'a').length).toBeLessThanOrEqual(2);
  });
});
