// The session gate: loading, sign-in (accounts mode) or the app with the signed-in user.
import { App } from './App';
import { SharedView } from './components/SharedView';
import { SignIn } from './components/SignIn';
import { SessionContext } from './state/SessionContext';
import { useSession } from './state/useSession';

/** The token of a /s/{token} share link in the URL, or null. */
function sharedToken(): string | null {
  const m = /^\/s\/([A-Za-z0-9_-]{20,100})\/?$/.exec(window.location.pathname);
  return m ? m[1] : null;
}

export function Root() {
  const token = sharedToken();
  return token ? <SharedView token={token} /> : <SignedInApp />;
}

function SignedInApp() {
  const { state, retry, signIn, signOut } = useSession();
  if (state.status === 'loading') return <div className="center muted full" aria-busy="true">Loading…</div>;
  if (state.status === 'error') {
    return (
      <div className="center full">
        <p role="alert">{state.message}</p>
        <button type="button" className="btn" onClick={retry}>Retry</button>
      </div>
    );
  }
  if (state.status === 'signed-out') return <SignIn appName="Parley" expired={state.expired} onSignIn={signIn} />;
  return (
    <SessionContext.Provider value={{ session: state.session, signOut }}>
      <App />
    </SessionContext.Provider>
  );
}
