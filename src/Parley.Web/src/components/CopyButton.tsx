import { useState } from 'react';
import { copyText } from '../lib/format';
import { IconCheck, IconCopy } from './icons';

export function CopyButton({ text, label = 'Copy message' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="icon-btn sm"
      aria-label={copied ? 'Copied' : label}
      title={copied ? 'Copied' : label}
      onClick={() =>
        void copyText(text).then((ok) => {
          setCopied(ok);
          window.setTimeout(() => setCopied(false), 1500);
        })
      }
    >
      {copied ? <IconCheck size={15} /> : <IconCopy size={15} />}
    </button>
  );
}
