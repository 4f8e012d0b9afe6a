// The shell: sidebar, header, messages, composer, banner; wires the hooks together.
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { Banner } from './components/Banner';
import { ChatHeader } from './components/ChatHeader';
import { ChatUiContext, type ChatUi } from './components/ChatContext';
import { Composer, type ComposerHandle } from './components/Composer';
import { EmptyState } from './components/EmptyState';
import { FailureNotice } from './components/FailureNotice';
import { MessageList } from './components/MessageList';
import { SettingsPanel } from './components/SettingsPanel';
import { ShareDialog } from './components/ShareDialog';
import { Sidebar } from './components/Sidebar';
import { Toast } from './components/Toast';
import { UserMenu } from './components/UserMenu';
import { draftKey } from './lib/drafts';
import { navigate, sessionIdFromUrl, useRouteConversationId } from './lib/route';
import { useSessionValue } from './state/SessionContext';
import { usePreferences } from './state/usePreferences';
import { withoutNulls } from './lib/format';
import { conversationStats } from './lib/stats';
import { toTurns } from './lib/turns';
import { useChat } from './state/useChat';
import { useConversationEvents } from './state/useConversationEvents';
import { useConversationList } from './state/useConversationList';
import { useFolders } from './state/useFolders';
import { useServerInfo } from './state/useServerInfo';
import { useKeyboardShortcuts } from './state/useKeyboardShortcuts';
import { useSidebarState } from './state/useSidebarState';

export function App() {
  const routeId = useRouteConversationId();
  const server = useServerInfo();
  const list = useConversationList();
  const folders = useFolders(list.refresh);
  const preferences = usePreferences();
  const { prefs } = preferences;
  const newChatDefaults = useMemo(() => withoutNulls({ model: prefs.defaultModel, systemPrompt: prefs.systemPrompt, temperature: prefs.temperature }), [prefs]);
  const chat = useChat(routeId, { onListChanged: list.refresh, newChatDefaults });
  useConversationEvents((notice) => {
    void list.refresh();
    chat.notice(notice);
  });
  const { state } = chat;
  const sidebar = useSidebarState();
  const user = useSessionValue()?.session.user ?? { name: 'local', isAdmin: true };
  const userName = user.name;
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [shareOpen, setShareOpen] = useState(false);
  const [dragging, setDragging] = useState(false);
  const composer = useRef<ComposerHandle>(null);
  const search = useRef<HTMLInputElement>(null);

  const streaming = !!state.streaming;
  const models = server.models;
  const model =
    state.conversation?.model || state.draft.model || prefs.defaultModel || server.config.defaultModel || models.find((m) => m.isDefault)?.id || models[0]?.id || '';
  const vision = models.find((m) => m.id === model)?.vision ?? true;

  const newChat = useCallback(() => {
    navigate(null);
    sidebar.closeOnNarrow();
    window.setTimeout(() => composer.current?.focus(), 0);
  }, [sidebar]);
  const openConversation = useCallback((id: string) => {
    navigate(id);
    sidebar.closeOnNarrow();
  }, [sidebar]);

  useKeyboardShortcuts({
    onNewChat: newChat,
    onSearch: () => {
      sidebar.setOpen(true);
      window.setTimeout(() => search.current?.focus(), 0);
    },
    onEscape: () => {
      if (streaming) chat.stop();
      else sidebar.closeOnNarrow();
    },
  });

  useEffect(() => {
    document.title = state.conversation?.title ? `${state.conversation.title} · ${server.config.name}` : server.config.name;
  }, [state.conversation?.title, server.config.name]);

  const turns = useMemo(() => toTurns(chat.path, state.messages), [chat.path, state.messages]);
  const stats = useMemo(() => (state.conversation ? conversationStats(chat.path, state.messages, state.olderTotals) : null),
    [state.messages, state.conversation, chat.path, state.olderTotals]);
  const modelLabel = useCallback((id: string | null) => models.find((m) => m.id === id)?.label ?? id ?? '', [models]);
  const ui: ChatUi = useMemo(() => ({
    edit: (id, text) => void chat.edit(id, text),
    regenerate: (id) => void chat.regenerate(id),
    switchVersion: chat.switchVersion,
    retry: () => void chat.retry(),
    modelLabel,
    toolHeaders: server.config.functions,
    busy: streaming,
  }), [chat.edit, chat.regenerate, chat.switchVersion, chat.retry, modelLabel, server.config.functions, streaming]);

  const lastTurn = turns[turns.length - 1];
  const lastFailed = lastTurn?.replies.some((m) => m.status === 'error');
  const failureBox = state.failure && !lastFailed && (
    <FailureNotice failure={state.failure} onRetry={() => void chat.retry()} onDismiss={chat.dismissFailure}
      onEdit={(text) => composer.current?.setText(text)} />
  );

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) composer.current?.addFiles(e.dataTransfer.files);
  };

  let body;
  if (state.status === 'loading') body = <div className="center muted" aria-busy="true">Loading conversation…</div>;
  else if (state.status === 'missing' || state.status === 'error') {
    body = (
      <div className="center">
        <p role="alert">{state.loadError}</p>
        <button type="button" className="btn" onClick={newChat}>Start a new chat</button>
      </div>
    );
  } else if (!turns.length && !streaming) {
    body = (
      <>
        <EmptyState name={server.config.name} preloaded={state.conversation ? [] : server.config.messages} documents={!!server.config.limits.maxDocumentBytes} />
        {failureBox && <div className="messages-inner">{failureBox}</div>}
      </>
    );
  } else {
    body = <MessageList conversationKey={state.conversationId ?? 'new'} turns={turns} index={chat.index} streaming={streaming} footer={failureBox}
      onLoadOlder={state.older ? chat.loadOlder : undefined} />;
  }

  return (
    <div className="app" data-sidebar={sidebar.open ? 'open' : 'closed'}>
      <a className="skip-link" href="#composer-input" onClick={(e) => { e.preventDefault(); composer.current?.focus(); }}>Skip to the message box</a>
      <Banner status={server.status} admin={user.isAdmin} />
      <div className="layout">
        <Sidebar ref={search} open={sidebar.open} items={list.items} activeId={state.conversationId} query={list.query}
          loading={list.loading} error={list.error} appName={server.config.name} onQuery={list.setQuery} onNew={newChat}
          onLoadMore={list.hasMore ? list.loadMore : undefined} onImported={() => { void list.refresh(); void folders.refresh(); }} footer={<UserMenu models={models} preferences={preferences} serverDefault={server.config.defaultModel} />}
          session={sessionIdFromUrl() ?? state.conversationId} store={server.config.store}
          onOpen={openConversation} onRename={list.rename} onClose={() => sidebar.setOpen(false)}
          folders={folders.folders} folderError={folders.error} onOrganise={list.organise} onCreateFolder={(name) => void folders.create(name)}
          onRenameFolder={(id, name) => void folders.rename(id, name)} onDeleteFolder={(id) => void folders.remove(id)}
          onDelete={(item) => {
            list.remove(item);
            if (item.id === state.conversationId) navigate(null);
          }} />
        {sidebar.open && <div className="scrim" onClick={() => sidebar.setOpen(false)} aria-hidden="true" />}
        <main className="chat" onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
          onDragLeave={(e) => { if (e.currentTarget === e.target) setDragging(false); }} onDrop={onDrop}>
          <ChatHeader sidebarOpen={sidebar.open} models={models} model={model}
            title={state.conversation?.title || (state.conversationId ? null : 'New chat')} stats={stats}
            canClear={!!state.conversation && turns.length > 0} onToggleSidebar={() => sidebar.setOpen(true)}
            onModel={(id) => void chat.updateSettings({ model: id })} onSettings={() => setSettingsOpen(true)}
            onClear={() => void chat.clear()} onNew={newChat} onShare={() => setShareOpen(true)} />
          <ChatUiContext.Provider value={ui}>{body}</ChatUiContext.Provider>
          <Composer ref={composer} streaming={streaming} limits={server.config.limits} vision={vision}
            draftKey={draftKey(userName, state.conversationId)}
            onSend={chat.send} onStop={chat.stop} />
          {dragging && <div className="drop-overlay" aria-hidden="true">{server.config.limits.maxDocumentBytes ? 'Drop images or documents to attach' : 'Drop images to attach'}</div>}
        </main>
      </div>
      {settingsOpen && (
        <SettingsPanel systemPrompt={state.conversation ? state.conversation.systemPrompt : state.draft.systemPrompt ?? prefs.systemPrompt}
          temperature={state.conversation ? state.conversation.temperature : state.draft.temperature ?? prefs.temperature}
          tools={state.conversation ? state.conversation.tools : state.draft.tools}
          onSave={chat.saveSettings} onClose={() => setSettingsOpen(false)} />
      )}
      {shareOpen && state.conversationId && (
        <ShareDialog conversationId={state.conversationId} leafId={chat.path[chat.path.length - 1] ?? null} onClose={() => setShareOpen(false)} />
      )}
      {list.pending && <Toast message={`Deleted “${list.pending.item.title || 'New chat'}”.`} action="Undo" onAction={list.undo} />}
    </div>
  );
}
