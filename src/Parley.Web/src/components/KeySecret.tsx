// A new key's secret: shown once, with a copy button; the server never sends it again.
import { CopyButton } from './CopyButton';

export function KeySecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <section className="key-secret" aria-label="New key secret">
      <p><strong>Key “{name}” created.</strong> Copy it now: you will not see it again.</p>
      <div className="secret-row">
        <code className="secret" data-secret>{secret}</code>
        <CopyButton text={secret} label="Copy key" />
      </div>
      <div className="panel-actions"><button type="button" className="btn sm" onClick={onDone}>I have copied it</button></div>
    </section>
  );
}
