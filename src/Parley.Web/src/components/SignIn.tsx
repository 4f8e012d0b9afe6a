// The sign-in screen (accounts mode). Errors are the server's own problem `detail`.
import { useState, type FormEvent } from 'react';

interface Props {
  appName: string;
  /** True when an earlier session ended (expired or revoked) rather than a first visit. */
  expired: boolean;
  onSignIn: (username: string, password: string) => Promise<void>;
}

export function SignIn({ appName, expired, onSignIn }: Props) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSignIn(username.trim(), password);
    } catch (err) {
      setError((err as Error).message);
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="signin-card" aria-labelledby="signin-title" onSubmit={(e) => void submit(e)} noValidate>
        <h1 id="signin-title">Sign in to {appName}</h1>
        {expired && !error && <p className="muted" role="status">Your session has ended. Sign in again to continue.</p>}
        <label htmlFor="signin-username">Username</label>
        <input id="signin-username" name="username" autoComplete="username" autoFocus autoCapitalize="none" spellCheck={false}
          value={username} onChange={(e) => setUsername(e.target.value)} aria-invalid={!!error} />
        <label htmlFor="signin-password">Password</label>
        <input id="signin-password" name="password" type="password" autoComplete="current-password"
          value={password} onChange={(e) => setPassword(e.target.value)} aria-invalid={!!error} />
        {error && <div className="failure" role="alert"><span>{error}</span></div>}
        <button type="submit" className="btn primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
