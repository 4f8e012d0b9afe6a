// The scrolling message column. Renders a window of the newest turns and grows it as
// the reader scrolls up, so a 1,000-message conversation stays light; sticks to the
// bottom while an answer streams unless the reader scrolled away.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { TreeIndex } from '../lib/tree';
import { siblingsOf } from '../lib/tree';
import type { Turn } from '../lib/turns';
import { AssistantReply } from './AssistantReply';
import { IconArrowDown } from './icons';
import { UserMessage } from './UserMessage';

const PAGE = 40;

interface Props {
  conversationKey: string;
  turns: Turn[];
  index: TreeIndex;
  streaming: boolean;
  footer?: ReactNode;
}

export function MessageList({ conversationKey, turns, index, streaming, footer }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const anchor = useRef<number | null>(null);
  const [count, setCount] = useState(PAGE);
  const [atBottom, setAtBottom] = useState(true);

  useEffect(() => {
    setCount(PAGE);
    stick.current = true;
  }, [conversationKey]);

  const toBottom = useCallback((smooth = false) => {
    const el = scroller.current;
    if (el) el.scrollTo({ top: el.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
  }, []);

  // A new turn (the reader just sent) always scrolls down.
  const lastKey = turns[turns.length - 1]?.key;
  useLayoutEffect(() => {
    stick.current = true;
    toBottom();
  }, [lastKey, conversationKey, toBottom]);

  // Growing content (streamed text, images loading) keeps the bottom in view while sticky.
  useEffect(() => {
    const el = content.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      if (anchor.current !== null && scroller.current) {
        scroller.current.scrollTop += scroller.current.scrollHeight - anchor.current;
        anchor.current = null;
      } else if (stick.current) toBottom();
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [toBottom]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    stick.current = bottom;
    setAtBottom(bottom);
  };

  const start = Math.max(0, turns.length - count);
  // Reaching the top of the window loads an earlier page, keeping the view where it was.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || start === 0) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && scroller.current) {
        anchor.current = scroller.current.scrollHeight;
        setCount((c) => c + PAGE);
      }
    }, { root: scroller.current, rootMargin: '400px 0px 0px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [start]);

  const shown = turns.slice(start);
  return (
    <div className="messages" ref={scroller} onScroll={onScroll}>
      <div className="messages-inner" ref={content} role="log" aria-label="Conversation" aria-live="off">
        {start > 0 && (
          <div ref={sentinel} className="load-earlier">
            <button type="button" className="btn sm" onClick={() => { anchor.current = scroller.current?.scrollHeight ?? null; setCount((c) => c + PAGE); }}>
              Show earlier messages ({start})
            </button>
          </div>
        )}
        {shown.map((t, i) => {
          const isLast = start + i === turns.length - 1;
          const u = t.user && siblingsOf(index, t.user.id);
          const a = t.replies.length ? siblingsOf(index, t.replies[0].id) : null;
          return (
            <div className="turn" key={t.key}>
              {t.user && u && <UserMessage message={t.user} version={u.index} versions={u.ids.length} />}
              {a && <AssistantReply replies={t.replies} version={a.index} versions={a.ids.length} isLast={isLast} />}
            </div>
          );
        })}
        {footer}
      </div>
      {!atBottom && (
        <button type="button" className="to-bottom icon-btn" aria-label="Scroll to the newest message" onClick={() => toBottom(true)}>
          <IconArrowDown size={16} />
        </button>
      )}
      <div className="sr-only" aria-live="polite">{streaming ? 'Parley is answering…' : ''}</div>
    </div>
  );
}
