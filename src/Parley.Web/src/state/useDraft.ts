// The composer's text, kept in localStorage under `key` as it is typed; a new key loads its own draft.
import { useCallback, useRef, useState } from 'react';
import { loadDraft, saveDraft } from '../lib/drafts';

export function useDraft(key: string): [string, (text: string) => void] {
  const [state, setState] = useState(() => ({ key, text: loadDraft(key) }));
  const keyRef = useRef(key);
  keyRef.current = key;
  // Switching conversations shows that conversation's draft (render-time reset, no flash of the old text).
  const current = state.key === key ? state : { key, text: loadDraft(key) };
  if (current !== state) setState(current);
  const setText = useCallback((text: string) => {
    saveDraft(keyRef.current, text);
    setState({ key: keyRef.current, text });
  }, []);
  return [current.text, setText];
}
