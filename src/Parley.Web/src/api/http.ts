// Shared fetch wrapper: JSON in and out, RFC 7807 problem details turned into ApiError.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(message: string, status: number, code: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  /** True when the server could not be reached at all. */
  get isNetwork(): boolean {
    return this.code === 'network';
  }
}

const FRIENDLY: Record<string, string> = {
  network: "Can't reach the Parley server. Check that it is running, then retry.",
  provider_auth: 'The model provider rejected its API key. Ask the administrator to check it.',
  provider_rate_limited: 'The model provider is rate limiting requests. Wait a moment, then retry.',
  provider_unavailable: 'The model provider is unavailable right now. Retry in a moment.',
  provider_timeout: 'The model provider took too long to answer. Retry.',
  context_too_long: 'This conversation is too long for the model. Start a new chat or edit an earlier message.',
  content_filtered: 'The provider filtered this reply.',
  reply_in_progress: 'A reply is still being written in this conversation. Wait for it or stop it.',
  model_not_found: 'That model is not configured on this server. Pick another one.',
  conversation_not_found: 'This conversation does not exist (it may have been deleted).',
  body_too_large: 'The message is too large to send.',
  invalid_image: 'One of the images could not be read. Attach a PNG, JPEG, WebP or GIF.',
  empty_message: 'Type a message first.',
};

/** A sentence a person can act on, from an error code and the server's own text. */
export function friendlyMessage(code: string | undefined, serverText?: string | null): string {
  if (serverText && serverText.trim()) return serverText;
  return (code && FRIENDLY[code]) || 'Something went wrong. Retry, or reload the page.';
}

export async function toApiError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let detail: string | undefined;
  try {
    const body = (await res.json()) as Record<string, unknown>;
    const inner = (body.error ?? body) as Record<string, unknown>;
    if (typeof inner.code === 'string') code = inner.code;
    detail =
      (typeof inner.detail === 'string' && inner.detail) ||
      (typeof inner.message === 'string' && inner.message) ||
      (typeof inner.title === 'string' && inner.title) ||
      undefined;
  } catch {
    /* not JSON: keep the status */
  }
  return new ApiError(friendlyMessage(code, detail ?? FRIENDLY[code] ?? `The server answered ${res.status}.`), res.status, code);
}

/** fetch that throws ApiError on network failure or a non-2xx answer. */
export async function send(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.body && !(init.body instanceof FormData) && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(FRIENDLY.network, 0, 'network');
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await send(path, init);
  return (await res.json()) as T;
}

export function jsonBody(value: unknown): RequestInit {
  return { body: JSON.stringify(value) };
}
