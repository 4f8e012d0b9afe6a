// Global shortcuts: Ctrl/Cmd+Shift+O new chat, Ctrl/Cmd+K search, Esc stop (or close the drawer).
import { useEffect, useRef } from 'react';

export interface Shortcuts {
  onNewChat: () => void;
  onSearch: () => void;
  onEscape: () => void;
}

export function useKeyboardShortcuts(handlers: Shortcuts) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && e.shiftKey && key === 'o') {
        e.preventDefault();
        ref.current.onNewChat();
      } else if (mod && !e.shiftKey && key === 'k') {
        e.preventDefault();
        ref.current.onSearch();
      } else if (e.key === 'Escape' && !e.defaultPrevented) {
        ref.current.onEscape();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
