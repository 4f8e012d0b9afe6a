// The signed-in user's preferences: loaded once, applied (theme), saved through the settings dialog.
import { useCallback, useEffect, useState } from 'react';
import { emptyPreferences, getPreferences, savePreferences, type Preferences } from '../api/preferences';
import { applyTheme } from '../lib/theme';

export function usePreferences() {
  const [prefs, setPrefs] = useState<Preferences>(emptyPreferences);
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    const ctl = new AbortController();
    getPreferences(ctl.signal)
      .then((p) => {
        setPrefs(p);
        applyTheme(p.theme);
      })
      .catch(() => undefined)
      .finally(() => !ctl.signal.aborted && setLoaded(true));
    return () => ctl.abort();
  }, []);

  /** Saves on the server first; throws the server's refusal (the dialog shows it). */
  const save = useCallback(async (next: Preferences) => {
    const saved = await savePreferences(next);
    setPrefs(saved);
    applyTheme(saved.theme);
    return saved;
  }, []);

  return { prefs, loaded, save };
}

export type PreferencesState = ReturnType<typeof usePreferences>;
