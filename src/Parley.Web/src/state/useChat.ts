// The conversation hook: loads the conversation named by the URL, sends, streams
// (text batched per animation frame), stops, regenerates, edits and switches versions.
// A reply is a server-side job: when its stream drops, the hook resumes it from the last
// event id; a conversation opened (or reloaded) mid-reply attaches to the running reply.
// Its halves: useChatPages (loading, pages, versions) and useChatSend (send, stream, retry).
import { useCallback, useReducer, useRef } from 'react';
import * as api from '../api/conversations';
import type { ApiError } from '../api/http';
import type { ConversationSettings } from '../api/types';
import { chatReducer, initialChatState } from './chatReducer';
import { useChatPages } from './useChatPages';
import { useChatSend } from './useChatSend';

export { unsentText } from './useChatSend';

export interface ChatOptions {
  /** Called after anything that changes the conversation list (sidebar refresh). */
  onListChanged: () => void;
  /** The user's preferences a new conversation starts with (what they chose in the draft wins). */
  newChatDefaults?: ConversationSettings;
}

export function useChat(routeId: string | null, { onListChanged, newChatDefaults }: ChatOptions) {
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const listChanged = useRef(onListChanged);
  listChanged.current = onListChanged;
  const defaults = useRef(newChatDefaults);
  defaults.current = newChatDefaults;

  const { load, index, path, pathRef, notice, switchVersion, loadOlder } = useChatPages(routeId, state, dispatch, stateRef);
  const { send, stop, retry, regenerate, edit } = useChatSend({ state, dispatch, stateRef, pathRef, load, listChanged, defaults });

  /** Saves settings (a draft until the conversation exists); throws ApiError when the server refuses them. */
  const saveSettings = useCallback(async (patch: ConversationSettings) => {
    const id = stateRef.current.conversationId;
    if (!id || !stateRef.current.conversation) {
      dispatch({ type: 'draft', patch });
      return;
    }
    const conversation = await api.updateConversation(id, patch);
    dispatch({ type: 'conversation', conversation });
    listChanged.current();
  }, []);

  /** saveSettings with a failure shown in the conversation. */
  const updateSettings = useCallback(async (patch: ConversationSettings) => {
    try {
      await saveSettings(patch);
    } catch (e) {
      dispatch({ type: 'failed', failure: { message: (e as ApiError).message, code: (e as ApiError).code, retry: null } });
    }
  }, [saveSettings]);

  const clear = useCallback(async () => {
    const id = stateRef.current.conversationId;
    if (!id) return;
    try {
      await api.clearConversation(id);
      dispatch({ type: 'cleared' });
      listChanged.current();
    } catch (e) {
      dispatch({ type: 'failed', failure: { message: (e as ApiError).message, code: (e as ApiError).code, retry: null } });
    }
  }, []);

  const dismissFailure = useCallback(() => dispatch({ type: 'dismiss_failure' }), []);

  return {
    state,
    index,
    path,
    send,
    stop,
    retry,
    regenerate,
    edit,
    switchVersion,
    loadOlder,
    saveSettings,
    updateSettings,
    clear,
    dismissFailure,
    notice,
    reload: load,
  };
}

export type Chat = ReturnType<typeof useChat>;
