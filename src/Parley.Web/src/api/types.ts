// Wire types of Parley's /api surface (docs/api.md). camelCase as the server sends them.

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; url: string; mediaType: string }
  | { type: 'tool_call'; callId: string; name: string; arguments: unknown; description?: string; action?: string }
  | { type: 'tool_result'; callId: string; name: string; result: string; isError: boolean }
  // Context compression (docs in README): a summary that replaced the oldest messages, or a note that they were dropped.
  | { type: 'context_summary'; text: string; model: string; throughMessageId: string; messageCount: number }
  | { type: 'context_trimmed'; text: string; reason: string }
  | { type: 'attachment'; id: string; name: string; mediaType: string; size: number; url: string }
  | { type: 'sources'; sources: DocumentSource[] };

/** Which attachments (whole, or which of their chunks) were in a reply's context. */
export interface DocumentSource {
  attachmentId: string;
  name: string;
  whole: boolean;
  chunkCount: number;
  chunks: number[];
}

/** An uploaded document, as POST /api/conversations/{id}/attachments returns it. */
export interface UploadedAttachment {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  chars: number;
  truncated: boolean;
  url: string;
}

export type Role = 'user' | 'assistant' | 'tool' | 'system';
export type MessageStatus = 'complete' | 'incomplete' | 'interrupted' | 'error' | 'streaming';

export interface Message {
  id: string;
  parentId: string | null;
  role: Role;
  content: ContentPart[];
  text: string;
  model: string | null;
  status: MessageStatus;
  error: { code: string; message: string } | null;
  usage: Usage | null;
  timings: { firstTokenMs: number; totalMs: number } | null;
  createdAt: string;
}

export interface ConversationSummary {
  id: string;
  title: string;
  model: string;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
  snippet?: string | null;
  /** Shown in the sidebar's Pinned group. */
  pinned?: boolean;
  /** The folder it is filed in (GET /api/folders); null: none. */
  folderId?: string | null;
}

export interface Folder {
  id: string;
  name: string;
  createdAt: string;
}

export interface Conversation extends ConversationSummary {
  systemPrompt: string | null;
  temperature: number | null;
  maxTokens: number | null;
  /** Tool names; null = the tools enabled by default, [] = none. */
  tools: string[] | null;
  usage: Usage | null;
  /** The message whose branch the user chose to see (the newest leaf under it is shown); null: the newest branch. */
  selectedLeafId?: string | null;
  messages?: Message[];
}

export interface ConversationSettings {
  title?: string;
  model?: string;
  systemPrompt?: string | null;
  temperature?: number | null;
  maxTokens?: number | null;
  tools?: string[] | null;
  selectedLeafId?: string | null;
  pinned?: boolean;
  /** A folder id of the user's, or null to take it out of its folder. */
  folderId?: string | null;
}

export interface SendBody {
  content: string;
  images?: string[];
  /** Ids of documents uploaded to the conversation. */
  attachments?: string[];
  parentId?: string | null;
  model?: string;
}

export interface ToolStart {
  id: string;
  name: string;
  description?: string;
  action?: string;
  arguments?: unknown;
}

export interface ToolEnd {
  id: string;
  name: string;
  result: string;
  isError?: boolean;
}

/** One event of the conversation stream. */
export type StreamEvent =
  | { type: 'user_message'; message: Message }
  | { type: 'assistant_start'; message: Message }
  | { type: 'text'; content: string }
  | { type: 'tool_start'; content: ToolStart }
  | { type: 'tool_end'; content: ToolEnd }
  | { type: 'usage'; content: Usage }
  | { type: 'title'; content: string }
  | { type: 'error'; content: string; code?: string }
  | { type: 'assistant_end'; message: Message };

/** One notice of GET /api/conversations/events: what changed in one of the user's conversations. */
export interface ConversationNotice {
  type: 'conversation_created' | 'conversation_updated' | 'conversation_deleted' | 'message_added' | 'reply_started' | 'reply_finished';
  conversationId: string;
  messageId?: string;
  role?: string;
  status?: string;
  title?: string;
}
