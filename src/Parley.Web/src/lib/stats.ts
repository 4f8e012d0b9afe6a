// The header's figures for the branch on screen: its messages and the tokens they hold.
// A reply's own tokens are its completion tokens; a prompt's usage counts the whole history
// again on every call, so it is not added up. Text the model did not write (the user's
// messages) has no count of its own and is estimated at four characters a token. In a long
// conversation loaded in pages, `older` is what the server counted the same way for the branch
// before the loaded messages.
import type { Message } from '../api/types';

export interface ConversationStats {
  messages: number;
  tokens: number;
}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function conversationStats(path: string[], messages: Record<string, Message>, older?: ConversationStats): ConversationStats {
  let count = older?.messages ?? 0;
  let tokens = older?.tokens ?? 0;
  for (const id of path) {
    const m = messages[id];
    if (!m || m.role === 'tool') continue;
    count++;
    tokens += m.role === 'assistant' && m.usage ? m.usage.completionTokens : estimateTokens(m.text);
  }
  return { messages: count, tokens };
}
