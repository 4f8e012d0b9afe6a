// The session gate: loading, sign-in (accounts mode) or the app with the signed-in user.
import { App } from './App';
import { SignIn } from './components/SignIn';
import { SessionContext } from './state/SessionContext';
import { useSession } from './state/useSession';

export function Root() {
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
