// The signed-in session, for the user menu and the admin-only controls.
import { createContext, useContext } from 'react';
import type { Session } from '../api/auth';

export interface SessionValue {
  session: Session;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSessionValue(): SessionValue | null {
  return useContext(SessionContext);
}
