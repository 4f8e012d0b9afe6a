// The active path grouped into turns: a user message and the replies after it
// (assistant steps and tool results) up to the next user message.
import type { ContentPart, Message } from '../api/types';

export interface Turn {
  key: string;
  user: Message | null;
  replies: Message[];
}

export function toTurns(path: readonly string[], messages: Record<string, Message>): Turn[] {
  const turns: Turn[] = [];
  for (const id of path) {
    const m = messages[id];
    if (!m || m.role === 'system') continue;
    if (m.role === 'user') turns.push({ key: m.id, user: m, replies: [] });
    else if (turns.length) turns[turns.length - 1].replies.push(m);
    else turns.push({ key: m.id, user: null, replies: [m] });
  }
  return turns;
}

export type ToolResult = Extract<ContentPart, { type: 'tool_result' }>;

/** Tool results of a turn by call id (they may sit in the assistant message or in tool messages). */
export function toolResults(replies: readonly Message[]): Map<string, ToolResult> {
  const map = new Map<string, ToolResult>();
  for (const m of replies) for (const p of m.content) if (p.type === 'tool_result') map.set(p.callId, p);
  return map;
}

export function textOf(messages: readonly Message[]): string {
  return messages
    .flatMap((m) => m.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])))
    .join('\n\n')
    .trim();
}
