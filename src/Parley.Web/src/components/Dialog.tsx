// A modal dialog: Escape closes, Tab stays inside, focus returns to where it was on close.
import { useRef, type ReactNode } from 'react';
import { useFocusTrap } from '../state/useFocusTrap';
import { IconClose } from './icons';

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Wider panel for tables. */
  wide?: boolean;
}

let nextId = 0;

export function Dialog({ title, onClose, children, wide }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useRef(`dialog-title-${++nextId}`).current;
  useFocusTrap(ref, onClose);

  return (
    <div className="panel-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className={wide ? 'panel wide' : 'panel'} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1}>
        <div className="panel-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-btn" aria-label={`Close ${title.toLowerCase()}`} onClick={onClose}><IconClose /></button>
        </div>
        {children}
      </div>
    </div>
  );
}
