// Live notices about the user's conversations (GET /api/conversations/events): other tabs and
// instances creating, renaming, deleting, sending and replying. EventSource reconnects by itself.
import { useEffect, useRef } from 'react';
import type { ConversationNotice } from '../api/types';

export function useConversationEvents(onNotice: (notice: ConversationNotice) => void) {
  const handler = useRef(onNotice);
  handler.current = onNotice;
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/conversations/events', { withCredentials: true });
    source.onmessage = (e: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(e.data) as ConversationNotice);
      } catch {
        /* not a notice */
      }
    };
    return () => source.close();
  }, []);
}
