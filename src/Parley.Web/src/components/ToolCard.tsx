// A tool call as a collapsible card: header (seed 003's display headers), arguments, result.
import { memo, useMemo } from 'react';
import { prettyJson, toolHeader } from '../lib/format';
import { renderInlineMarkdown } from '../lib/markdown';
import { IconChevronDown, IconTool } from './icons';

export interface ToolCardProps {
  name: string;
  args: unknown;
  result?: string;
  isError?: boolean;
  running: boolean;
  headers: Record<string, string>;
}

export const ToolCard = memo(function ToolCard({ name, args, result, isError, running, headers }: ToolCardProps) {
  // Sanitised by DOMPurify inside renderInlineMarkdown.
  const header = useMemo(() => renderInlineMarkdown(toolHeader(name, headers)), [name, headers]);
  const argText = prettyJson(args);
  const state = running ? 'running' : isError ? 'error' : result !== undefined ? 'done' : 'no-result';
  return (
    <details className={`tool-card tool-${state}`} data-tool={name}>
      <summary>
        <span className="tool-icon">{running ? <span className="spinner" role="status" aria-label="Running" /> : <IconTool size={15} />}</span>
        <span className="tool-title" dangerouslySetInnerHTML={{ __html: header }} />
        <span className="tool-state">{running ? 'Running…' : isError ? 'Failed' : result !== undefined ? 'Done' : ''}</span>
        <span className="tool-chevron"><IconChevronDown size={15} /></span>
      </summary>
      <div className="tool-body">
        <div className="tool-section">
          <div className="tool-label">Arguments</div>
          <pre className="tool-pre">{argText && argText !== '{}' ? argText : '(none)'}</pre>
        </div>
        {result !== undefined && (
          <div className="tool-section">
            <div className="tool-label">{isError ? 'Error' : 'Result'}</div>
            <pre className="tool-pre tool-result">{prettyJson(result)}</pre>
          </div>
        )}
      </div>
    </details>
  );
});
