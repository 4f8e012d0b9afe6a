// /api/config: what the UI needs to render.
import { getJson } from './http';
import { setRemoteImageMode, type RemoteImageMode } from '../lib/remoteImages';

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
  /** Server warnings for the banner, e.g. "Redis is configured but unreachable". */
  warnings: string[];
  /** Where conversations are stored: SQLite, PostgreSQL, Redis, Memory (seed 004's "Store: Redis"). */
  store?: string;
  /** Parley:Security:RemoteImages: how replies show images from other sites. */
  remoteImages?: RemoteImageMode;
}

export const defaultConfig: ClientConfig = {
  name: 'Parley',
  defaultModel: '',
  functions: {},
  messages: [],
  warnings: [],
  limits: {
    maxImageBytes: 5 * 1024 * 1024,
    maxMessageChars: 100_000,
    imageTypes: ['image/png', 'image/jpeg', 'image/webp', 'image/gif'],
  },
};

export async function getConfig(): Promise<ClientConfig> {
  const c = await getJson<Partial<ClientConfig>>('/api/config');
  setRemoteImageMode(c.remoteImages);
  return {
    ...defaultConfig,
    ...c,
    functions: c.functions ?? {},
    messages: (c.messages ?? []).filter((m) => typeof m?.content === 'string'),
    limits: { ...defaultConfig.limits, ...(c.limits ?? {}) },
    warnings: (c.warnings ?? []).filter((w) => typeof w === 'string'),
  };
}

/** The banner's warnings: /health's and /api/config's, each shown once, in order. */
export function mergeWarnings(...lists: (string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((l) => l ?? []))];
}
