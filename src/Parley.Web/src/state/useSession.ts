// Who is using the app: asks /api/auth/session on start, and drops back to sign-in
// whenever any API call answers 401 (the URL is left alone, so the user returns to it).
import { useCallback, useEffect, useRef, useState } from 'react';
import * as auth from '../api/auth';
import { onUnauthenticated } from '../api/http';
import { clearDrafts } from '../lib/drafts';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-in'; session: auth.Session }
  | { status: 'signed-out'; expired: boolean }
  | { status: 'error'; message: string };

export function useSession() {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const stateRef = useRef(state);
  stateRef.current = state;

  const load = useCallback(async (signal?: AbortSignal) => {
    setState({ status: 'loading' });
    try {
      const session = await auth.getSession(signal);
      setState(session ? { status: 'signed-in', session } : { status: 'signed-out', expired: false });
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      setState({ status: 'error', message: (e as Error).message });
    }
  }, []);

  useEffect(() => {
    const ctl = new AbortController();
    void load(ctl.signal);
    return () => ctl.abort();
  }, [load]);

  useEffect(() => onUnauthenticated(() => setState((s) => ({ status: 'signed-out', expired: s.status === 'signed-in' }))), []);

  const signIn = useCallback(async (username: string, password: string) => {
    const session = await auth.login(username, password);
    setState({ status: 'signed-in', session });
  }, []);

  const signOut = useCallback(async () => {
    // Signed out locally even when the server cannot be told; the cookie then simply expires.
    await auth.logout().catch(() => undefined);
    const current = stateRef.current;
    if (current.status === 'signed-in') clearDrafts(current.session.user.name);
    setState({ status: 'signed-out', expired: false });
  }, []);

  return { state, retry: () => void load(), signIn, signOut };
}
