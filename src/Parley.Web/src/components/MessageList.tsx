// The scrolling message column. Renders a window of the newest turns and grows it as
// the reader scrolls up (fetching older turns of a long conversation from the server when
// the window reaches what is loaded), keeping the view where it was; sticks to the bottom
// while an answer streams unless the reader scrolled away.
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
  /** Loads older turns from the server (a long conversation); absent when everything is loaded. */
  onLoadOlder?: () => Promise<void>;
}

export function MessageList({ conversationKey, turns, index, streaming, footer, onLoadOlder }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  /** The turn the reader was looking at while earlier turns come in above it, and where it was in the view. */
  const anchor = useRef<{ el: Element; top: number } | null>(null);
  const [count, setCount] = useState(PAGE);
  const [atBottom, setAtBottom] = useState(true);

  useEffect(() => {
    setCount(PAGE);
    stick.current = true;
    anchor.current = null;
  }, [conversationKey]);

  const offsetOf = (el: Element) => el.getBoundingClientRect().top - (scroller.current?.getBoundingClientRect().top ?? 0);
  /** Remembers the first turn in view: it keeps its place while turns above it are added and laid out. */
  const holdPlace = () => {
    const el = scroller.current;
    if (!el) return;
    const top = el.getBoundingClientRect().top;
    const turn = [...el.querySelectorAll('.turn')].find((t) => t.getBoundingClientRect().bottom > top);
    anchor.current = turn ? { el: turn, top: offsetOf(turn) } : null;
  };

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
    // Turns render lazily (content-visibility) and the browser's own scroll anchoring is off (it fights sticking to
    // the bottom), so the place is kept here: every layout change moves the view by what the held turn moved.
    const ro = new ResizeObserver(() => {
      const held = anchor.current;
      if (held && !stick.current && scroller.current && held.el.isConnected) {
        const moved = offsetOf(held.el) - held.top;
        if (Math.abs(moved) >= 1) scroller.current.scrollTop += moved;
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
    // The reader moved: the held turn's new place is the one to keep.
    if (bottom) anchor.current = null;
    else if (anchor.current?.el.isConnected) anchor.current.top = offsetOf(anchor.current.el);
  };

  const start = Math.max(0, turns.length - count);
  const earlier = useCallback(() => {
    if (!scroller.current) return;
    holdPlace();
    if (start > 0 || !onLoadOlder) setCount((c) => c + PAGE);
    else void onLoadOlder().then(() => setCount((c) => c + PAGE));
  }, [start, onLoadOlder]);
  // Reaching the top of the window loads an earlier page, keeping the view where it was.
  const more = start > 0 || !!onLoadOlder;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !more) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) earlier();
    }, { root: scroller.current, rootMargin: '400px 0px 0px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [more, earlier]);

  const shown = turns.slice(start);
  return (
    <div className="messages" ref={scroller} onScroll={onScroll}>
      <div className="messages-inner" ref={content} role="log" aria-label="Conversation" aria-live="off">
        {more && (
          <div ref={sentinel} className="load-earlier">
            <button type="button" className="btn sm" onClick={earlier}>
              {start > 0 ? `Show earlier messages (${start})` : 'Show earlier messages'}
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
