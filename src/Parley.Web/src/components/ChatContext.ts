// Actions and display facts the message components need, without prop drilling.
import { createContext, useContext } from 'react';

export interface ChatUi {
  edit: (messageId: string, text: string) => void;
  regenerate: (assistantId: string) => void;
  switchVersion: (messageId: string, delta: number) => void;
  retry: () => void;
  modelLabel: (id: string | null) => string;
  toolHeaders: Record<string, string>;
  busy: boolean;
}

const noop = () => undefined;
export const ChatUiContext = createContext<ChatUi>({
  edit: noop,
  regenerate: noop,
  switchVersion: noop,
  retry: noop,
  modelLabel: (id) => id ?? '',
  toolHeaders: {},
  busy: false,
});

export const useChatUi = () => useContext(ChatUiContext);
