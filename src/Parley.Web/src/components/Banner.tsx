// Server status banner: unreachable, or /health warnings.
import type { ServerStatus } from '../state/useServerInfo';

export function Banner({ status }: { status: ServerStatus }) {
  if (status.reachable && !status.warnings.length) return null;
  return (
    <div className={`banner ${status.reachable ? 'warn' : 'down'}`} role="status" aria-live="polite">
      {status.reachable ? status.warnings.join(' · ') : "Can't reach the Parley server. Retrying…"}
    </div>
  );
}
