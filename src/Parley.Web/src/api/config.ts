// /api/config: what the UI needs to render.
import { getJson } from './http';

export interface PreloadedMessage {
  role: 'user' | 'assistant' | 'system';
  content: string;
}

export interface ClientConfig {
  name: string;
  defaultModel: string;
  functions: Record<string, string>;
  messages: PreloadedMessage[];
  limits: {
    maxImageBytes: number;
    maxMessageChars: number;
    imageTypes: string[];
    maxImagesPerMessage?: number;
    /** 0 or absent: the server takes no documents. */
    maxDocumentBytes?: number;
    maxDocumentsPerMessage?: number;
    documentExtensions?: string[];
  };
}

export const defaultConfig: ClientConfig = {
  name: 'Parley',
  defaultModel: '',
  functions: {},
  messages: [],
  limits: {
    maxImageBytes: 5 * 1024 * 1024,
    maxMessageChars: 100_000,
    imageTypes: ['image/png', 'image/jpeg', 'image/webp', 'image/gif'],
  },
};

export async function getConfig(): Promise<ClientConfig> {
  const c = await getJson<Partial<ClientConfig>>('/api/config');
  return {
    ...defaultConfig,
    ...c,
    functions: c.functions ?? {},
    messages: (c.messages ?? []).filter((m) => typeof m?.content === 'string'),
    limits: { ...defaultConfig.limits, ...(c.limits ?? {}) },
  };
}
