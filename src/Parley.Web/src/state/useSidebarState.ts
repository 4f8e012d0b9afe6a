// Sidebar open/closed: open by default on wide screens, a drawer on narrow ones.
import { useCallback, useEffect, useMemo, useState } from 'react';

const NARROW = '(max-width: 768px)';
const KEY = 'parley.sidebar';

const isNarrow = () => window.matchMedia?.(NARROW).matches ?? false;

export function useSidebarState() {
  const [open, setOpenState] = useState(() => !isNarrow() && localStorage.getItem(KEY) !== 'closed');

  useEffect(() => {
    const mq = window.matchMedia?.(NARROW);
    if (!mq) return;
    const onChange = () => setOpenState(!mq.matches && localStorage.getItem(KEY) !== 'closed');
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);

  const setOpen = useCallback((value: boolean) => {
    setOpenState(value);
    if (!isNarrow()) localStorage.setItem(KEY, value ? 'open' : 'closed');
  }, []);

  const closeOnNarrow = useCallback(() => {
    if (isNarrow()) setOpenState(false);
  }, []);

  return useMemo(() => ({ open, setOpen, closeOnNarrow }), [open, setOpen, closeOnNarrow]);
}
