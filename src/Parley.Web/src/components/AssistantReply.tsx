// An assistant turn: markdown text, tool cards, errors, and copy / regenerate / versions / model.
import { memo, type ReactNode } from 'react';
import { friendlyMessage } from '../api/http';
import type { Message } from '../api/types';
import { describeSources } from '../lib/files';
import { textOf, toolResults } from '../lib/turns';
import { useChatUi } from './ChatContext';
import { ContextNote } from './ContextNote';
import { CopyButton } from './CopyButton';
import { IconRegenerate } from './icons';
import { Markdown } from './Markdown';
import { ToolCard } from './ToolCard';
import { VersionSwitcher } from './VersionSwitcher';

interface Props {
  replies: Message[];
  version: number;
  versions: number;
  isLast: boolean;
}

function Parts({ message, results, streaming }: { message: Message; results: ReturnType<typeof toolResults>; streaming: boolean }) {
  const ui = useChatUi();
  const out: ReactNode[] = [];
  message.content.forEach((p, i) => {
    if (p.type === 'text') {
      if (p.text) out.push(<Markdown key={i} text={p.text} />);
    } else if (p.type === 'tool_call') {
      const r = results.get(p.callId);
      out.push(
        <ToolCard key={i} name={p.name} args={p.arguments} result={r?.result} isError={r?.isError}
          running={!r && streaming} headers={ui.toolHeaders} />,
      );
    } else if (p.type === 'context_summary' || p.type === 'context_trimmed') {
      out.push(<ContextNote key={i} part={p} />);
    } else if (p.type === 'image') {
      out.push(<img key={i} className="msg-image" src={p.url} alt="Image from the assistant" loading="lazy" />);
    } else if (p.type === 'sources' && p.sources.length > 0) {
      out.push(<div key={i} className="msg-sources">{describeSources(p.sources)}</div>);
    }
  });
  return <>{out}</>;
}

function sameReplies(a: Props, b: Props): boolean {
  return (
    a.version === b.version &&
    a.versions === b.versions &&
    a.isLast === b.isLast &&
    a.replies.length === b.replies.length &&
    a.replies.every((m, i) => m === b.replies[i])
  );
}

export const AssistantReply = memo(function AssistantReply({ replies, version, versions, isLast }: Props) {
  const ui = useChatUi();
  const first = replies[0];
  const last = replies[replies.length - 1];
  const streaming = replies.some((m) => m.status === 'streaming');
  const results = toolResults(replies);
  const text = textOf(replies);
  const failed = replies.find((m) => m.status === 'error');
  const stopped = !streaming && last.status === 'incomplete';
  const interrupted = !streaming && last.status === 'interrupted';
  const model = replies.find((m) => m.model)?.model ?? null;
  const empty = !replies.some((m) => m.content.some((p) => (p.type === 'text' ? p.text : true)));

  return (
    <article className="msg msg-assistant" data-role="assistant" data-message-id={first.id} data-status={streaming ? 'streaming' : last.status}
      aria-label="Assistant message">
      <div className="msg-body" aria-live={streaming ? 'polite' : undefined} aria-busy={streaming || undefined}>
        {replies.map((m) => m.role !== 'user' && <Parts key={m.id} message={m} results={results} streaming={streaming} />)}
        {streaming && empty && <div className="typing" aria-label="Assistant is thinking"><span /><span /><span /></div>}
        {streaming && !empty && <span className="cursor" aria-hidden="true" />}
      </div>
      {failed && (
        <div className="msg-error" role="alert">
          <span>{friendlyMessage(failed.error?.code, failed.error?.message)}</span>
          {isLast && <button type="button" className="btn sm" disabled={ui.busy} onClick={() => ui.regenerate(first.id)}>Retry</button>}
        </div>
      )}
      {stopped && <div className="msg-note">Stopped</div>}
      {interrupted && <div className="msg-note">Interrupted: the server stopped while writing this reply</div>}
      {!streaming && (
        <div className="msg-actions">
          <VersionSwitcher index={version} total={versions} disabled={ui.busy} onSwitch={(d) => ui.switchVersion(first.id, d)} />
          {text && <CopyButton text={text} />}
          <button type="button" className="icon-btn sm" aria-label="Regenerate response" title="Regenerate response" disabled={ui.busy}
            onClick={() => ui.regenerate(first.id)}>
            <IconRegenerate size={15} />
          </button>
          {model && <span className="msg-model" title={model}>{ui.modelLabel(model)}</span>}
          {last.usage && <span className="msg-tokens">{last.usage.totalTokens} tokens</span>}
        </div>
      )}
    </article>
  );
}, sameReplies);
