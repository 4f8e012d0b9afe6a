// Small display helpers.

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

export function toolHeader(name: string, headers: Record<string, string>): string {
  // Own string entries only: a tool named `constructor` or `__proto__` must not read Object.prototype.
  const own = Object.prototype.hasOwnProperty.call(headers, name) ? (headers as Record<string, unknown>)[name] : undefined;
  // The default header is markdown too: the name is escaped so `__init__` is not shown as bold "init".
  return typeof own === 'string' ? own : `Function call to ${name.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, '\\$&')}()`;
}

export function prettyJson(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

/** The object without its null and undefined fields (so spreading it never overwrites with "nothing"). */
export function withoutNulls<T extends object>(o: { [K in keyof T]: T[K] | null | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** A cost in US dollars; "—" when the model has no price configured. */
export function formatCost(cost: number | null | undefined): string {
  if (cost == null) return '—';
  return cost < 0.01 && cost > 0 ? `$${cost.toFixed(4)}` : `$${cost.toFixed(2)}`;
}
