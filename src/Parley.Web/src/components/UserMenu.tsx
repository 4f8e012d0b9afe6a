// The user menu at the bottom of the sidebar: who is signed in, API keys, password, sign out.
import { useEffect, useRef, useState } from 'react';
import type { ModelInfo } from '../api/models';
import { useSessionValue } from '../state/SessionContext';
import type { PreferencesState } from '../state/usePreferences';
import { AdminDialog } from './AdminDialog';
import { ChangePasswordDialog } from './ChangePasswordDialog';
import { DataDialog } from './DataDialog';
import { KeysDialog } from './KeysDialog';
import { SettingsDialog } from './SettingsDialog';
import { UsageDialog } from './UsageDialog';

type Open = 'none' | 'menu' | 'settings' | 'usage' | 'keys' | 'password' | 'data' | 'admin';

interface Props {
  models: ModelInfo[];
  preferences: PreferencesState;
  serverDefault: string;
}

export function UserMenu({ models, preferences, serverDefault }: Props) {
  const value = useSessionValue();
  const [open, setOpen] = useState<Open>('none');
  const wrap = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (open !== 'menu') return;
    wrap.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        setOpen('none');
        toggle.current?.focus();
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const items = [...(wrap.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];
        const at = items.indexOf(document.activeElement as HTMLElement);
        items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
      }
    };
    const onClick = (e: MouseEvent) => !wrap.current?.contains(e.target as Node) && setOpen('none');
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  if (!value) return null;
  const { session, signOut } = value;
  const accounts = session.mode === 'accounts';
  const close = () => {
    setOpen('none');
    toggle.current?.focus();
  };

  return (
    <div className="user-menu" ref={wrap}>
      {open === 'menu' && (
        <div className="user-menu-list" role="menu" aria-label="Account">
          {!accounts && <p className="user-menu-note">Single-user mode: no sign-in on this server.</p>}
          <button type="button" role="menuitem" onClick={() => setOpen('settings')}>Settings</button>
          <button type="button" role="menuitem" onClick={() => setOpen('usage')}>Usage</button>
          <button type="button" role="menuitem" onClick={() => setOpen('keys')}>API keys</button>
          {accounts && <button type="button" role="menuitem" onClick={() => setOpen('password')}>Change password</button>}
          <button type="button" role="menuitem" onClick={() => setOpen('data')}>Your data</button>
          {session.user.isAdmin && <button type="button" role="menuitem" onClick={() => setOpen('admin')}>Administration</button>}
          {accounts && <button type="button" role="menuitem" onClick={() => void signOut()}>Sign out</button>}
        </div>
      )}
      <button ref={toggle} type="button" className="user-menu-toggle" aria-haspopup="menu" aria-expanded={open === 'menu'}
        onClick={() => setOpen(open === 'menu' ? 'none' : 'menu')}>
        <span className="sr-only">Account menu for </span>
        <span className="avatar" aria-hidden="true">{session.user.name.slice(0, 1).toUpperCase()}</span>
        <span className="user-name">{session.user.name}</span>
        {session.user.isAdmin && <span className="badge">admin</span>}
        {!accounts && <span className="user-mode muted">single-user</span>}
      </button>
      {open === 'keys' && <KeysDialog user={session.user} models={models} onClose={close} />}
      {open === 'password' && <ChangePasswordDialog onClose={close} />}
      {open === 'data' && <DataDialog onClose={close} />}
      {open === 'admin' && <AdminDialog user={session.user} models={models} onClose={close} />}
      {open === 'settings' && <SettingsDialog preferences={preferences} models={models} serverDefault={serverDefault} onClose={close} />}
      {open === 'usage' && <UsageDialog onClose={close} />}
    </div>
  );
}
