// Sidebar groups: Today, Yesterday, Previous 7 days, Older.

export interface Dated {
  updatedAt: string;
}

export interface Group<T> {
  label: string;
  items: T[];
}

const LABELS = ['Today', 'Yesterday', 'Previous 7 days', 'Older'] as const;

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function dayBucket(iso: string, now: Date): number {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return 3;
  const days = Math.round((startOfDay(now) - startOfDay(t)) / 86_400_000);
  if (days <= 0) return 0;
  if (days === 1) return 1;
  if (days <= 7) return 2;
  return 3;
}

/** Groups items newest first (by updatedAt) into day buckets, keeping empty groups out. */
export function groupByDay<T extends Dated>(items: readonly T[], now = new Date()): Group<T>[] {
  const sorted = [...items].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  const buckets: T[][] = LABELS.map(() => []);
  for (const item of sorted) buckets[dayBucket(item.updatedAt, now)].push(item);
  return LABELS.map((label, i) => ({ label, items: buckets[i] })).filter((g) => g.items.length > 0);
}

export interface Organised {
  id: string;
  updatedAt: string;
  pinned?: boolean;
  folderId?: string | null;
}

export interface SidebarGroups<T, F> {
  pinned: T[];
  folders: { folder: F; items: T[] }[];
  days: Group<T>[];
}

/**
 * The sidebar's sections: Pinned first, then every folder (empty ones too, in the order given), then the rest by day.
 * A pinned conversation shows only under Pinned; a folder id that is not among `folders` counts as none.
 */
export function groupSidebar<T extends Organised, F extends { id: string }>(
  items: readonly T[], folders: readonly F[], now = new Date(),
): SidebarGroups<T, F> {
  const newest = [...items].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  const byFolder = new Map<string, T[]>(folders.map((f) => [f.id, []]));
  const pinned: T[] = [];
  const rest: T[] = [];
  for (const item of newest) {
    const folder = item.folderId ? byFolder.get(item.folderId) : undefined;
    if (item.pinned) pinned.push(item);
    else if (folder) folder.push(item);
    else rest.push(item);
  }
  return { pinned, folders: folders.map((folder) => ({ folder, items: byFolder.get(folder.id)! })), days: groupByDay(rest, now) };
}
