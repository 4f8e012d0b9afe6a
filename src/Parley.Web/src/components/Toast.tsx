export function Toast({ message, action, onAction }: { message: string; action: string; onAction: () => void }) {
  return (
    <div className="toast" role="status" aria-live="polite">
      <span>{message}</span>
      <button type="button" className="btn sm" onClick={onAction}>{action}</button>
    </div>
  );
}
