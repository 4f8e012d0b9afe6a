// Usage: the caller's own tokens and cost (administrators see everyone's under Administration).
import { useSessionValue } from '../state/SessionContext';
import { Dialog } from './Dialog';
import { UsageView } from './UsageView';

export function UsageDialog({ onClose }: { onClose: () => void }) {
  const name = useSessionValue()?.session.user.name;
  return (
    <Dialog title="Usage" onClose={onClose} wide>
      <UsageView owner={name} />
    </Dialog>
  );
}
