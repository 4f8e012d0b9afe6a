// "< 2/3 >" between the versions (siblings) of a message.
import { IconChevronLeft, IconChevronRight } from './icons';

export function VersionSwitcher({ index, total, onSwitch, disabled }: {
  index: number;
  total: number;
  onSwitch: (delta: number) => void;
  disabled?: boolean;
}) {
  if (total < 2) return null;
  return (
    <span className="versions" role="group" aria-label="Versions">
      <button type="button" className="icon-btn sm" aria-label="Previous version" disabled={disabled || index === 0} onClick={() => onSwitch(-1)}>
        <IconChevronLeft size={14} />
      </button>
      <span className="version-label" aria-live="polite">{index + 1}/{total}</span>
      <button type="button" className="icon-btn sm" aria-label="Next version" disabled={disabled || index >= total - 1} onClick={() => onSwitch(1)}>
        <IconChevronRight size={14} />
      </button>
    </span>
  );
}
