// A failure that no reply in the thread shows: the server's sentence, the unsent text (once), Retry, Edit, Dismiss.
import type { Failure } from '../state/chatReducer';

interface Props {
  failure: Failure;
  onRetry: () => void;
  onEdit: (text: string) => void;
  onDismiss: () => void;
}

export function FailureNotice({ failure, onRetry, onEdit, onDismiss }: Props) {
  const { unsent } = failure;
  return (
    <div className="failure" role="alert" data-testid="failure">
      {unsent && (
        <blockquote className="failure-unsent" aria-label="Message not sent">
          <span className="failure-label">Not sent</span>
          <span className="failure-text">{unsent}</span>
        </blockquote>
      )}
      <p className="failure-message">{failure.message}</p>
      <div className="failure-actions">
        {failure.retry && <button type="button" className="btn sm" onClick={onRetry}>Retry</button>}
        {unsent && (
          <button type="button" className="btn sm" onClick={() => { onDismiss(); onEdit(unsent); }}>Edit</button>
        )}
        <button type="button" className="btn sm ghost" onClick={onDismiss}>Dismiss</button>
      </div>
    </div>
  );
}
