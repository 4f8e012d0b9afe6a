// The message tree: every branch is kept; the UI shows one path from a root to a leaf.

export interface TreeNode {
  id: string;
  parentId: string | null;
}

export interface TreeIndex {
  /** Children of each parent (key '' for roots), oldest first. */
  children: Map<string, string[]>;
  parent: Map<string, string | null>;
  /** Insertion rank: later means newer. */
  rank: Map<string, number>;
}

const ROOT = '';

/** Nodes must be given oldest first (the server's order, then stream order). */
export function buildIndex(nodes: readonly TreeNode[]): TreeIndex {
  const children = new Map<string, string[]>();
  const parent = new Map<string, string | null>();
  const rank = new Map<string, number>();
  nodes.forEach((n, i) => {
    parent.set(n.id, n.parentId);
    rank.set(n.id, i);
    const key = n.parentId ?? ROOT;
    const list = children.get(key);
    if (list) list.push(n.id);
    else children.set(key, [n.id]);
  });
  return { children, parent, rank };
}

/** The newest node in the subtree rooted at `id` that has no children (or `id` itself). */
export function newestLeafUnder(index: TreeIndex, id: string): string {
  let best = id;
  let bestRank = -1;
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    const kids = index.children.get(cur);
    if (!kids?.length) {
      const r = index.rank.get(cur) ?? -1;
      if (r > bestRank) {
        best = cur;
        bestRank = r;
      }
    } else stack.push(...kids);
  }
  return best;
}

/** The default leaf: the newest leaf of the whole tree. */
export function defaultLeaf(index: TreeIndex): string | null {
  const roots = index.children.get(ROOT);
  if (!roots?.length) return null;
  let best: string | null = null;
  let bestRank = -1;
  for (const r of roots) {
    const leaf = newestLeafUnder(index, r);
    const rank = index.rank.get(leaf) ?? -1;
    if (rank > bestRank) {
      best = leaf;
      bestRank = rank;
    }
  }
  return best;
}

/** Ids from the root down to `leafId` (or to the default leaf when it is unknown). */
export function activePath(index: TreeIndex, leafId: string | null): string[] {
  const leaf = leafId && index.parent.has(leafId) ? leafId : defaultLeaf(index);
  const path: string[] = [];
  const seen = new Set<string>();
  for (let cur: string | null | undefined = leaf; cur && !seen.has(cur); cur = index.parent.get(cur)) {
    seen.add(cur);
    path.push(cur);
  }
  return path.reverse();
}

export interface Siblings {
  ids: string[];
  /** 0-based position of the message among its versions. */
  index: number;
}

/** The versions of a message: its siblings (same parent), oldest first. */
export function siblingsOf(index: TreeIndex, id: string): Siblings {
  const parentId = index.parent.get(id);
  const ids = index.children.get(parentId ?? ROOT) ?? [id];
  return { ids, index: Math.max(0, ids.indexOf(id)) };
}

/** The leaf to show after switching message `id` to the version `delta` steps away. */
export function switchVersion(index: TreeIndex, id: string, delta: number): string | null {
  const { ids, index: i } = siblingsOf(index, id);
  const target = ids[i + delta];
  return target ? newestLeafUnder(index, target) : null;
}
