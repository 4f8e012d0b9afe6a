// The theme on <html data-theme>: forced light or dark, or absent to follow the system. Remembered in
// localStorage too, so the next load paints in the right colours before the server's answer arrives.
import type { Theme } from '../api/preferences';

const KEY = 'parley.theme';

export function applyTheme(theme: Theme | null): void {
  const root = document.documentElement;
  if (theme === 'light' || theme === 'dark') root.dataset.theme = theme;
  else delete root.dataset.theme;
  try {
    if (theme && theme !== 'system') localStorage.setItem(KEY, theme);
    else localStorage.removeItem(KEY);
  } catch {
    /* storage disabled: the server's preference still applies after load */
  }
}

/** The theme remembered from the last visit (applied before the first render). */
export function rememberedTheme(): Theme | null {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : null;
  } catch {
    return null;
  }
}
