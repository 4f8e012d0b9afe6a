import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataTools } from './DataTools';
import { ConversationItem } from './ConversationItem';

type Call = { url: string; init: RequestInit };

function serve(respond: (url: string, init: RequestInit) => Response) {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    calls.push({ url, init });
    return respond(url, init);
  }));
  return calls;
}

function stubDownloads() {
  const created: Blob[] = [];
  vi.stubGlobal('URL', Object.assign(Object.create(URL), {
    createObjectURL: vi.fn((b: Blob) => { created.push(b); return 'blob:test'; }),
    revokeObjectURL: vi.fn(),
  }));
  const clicks: string[] = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) { clicks.push(this.download); });
  return { created, clicks };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('DataTools', () => {
  it('uploads the picked file as multipart and reports how many conversations were imported', async () => {
    const calls = serve(() => json({ format: 'chatgpt', imported: 2, conversations: [] }));
    const onImported = vi.fn();
    render(<DataTools onImported={onImported} />);
    const file = new File(['[]'], 'conversations.json', { type: 'application/json' });

    await act(async () => fireEvent.change(screen.getByLabelText('Import file'), { target: { files: [file] } }));

    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Imported 2 conversations from ChatGPT.');
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/api/import');
    expect(calls[0].init.method).toBe('POST');
    expect(calls[0].init.body).toBeInstanceOf(FormData);
    expect((calls[0].init.body as FormData).get('file')).toHaveProperty('name', 'conversations.json');
    expect(new Headers(calls[0].init.headers).has('Content-Type')).toBe(false);
    expect(onImported).toHaveBeenCalledOnce();
  });

  it("shows the server's problem when an import is refused", async () => {
    serve(() => json({ code: 'import_invalid_field', detail: "'role' must be user, assistant or tool (at $.conversations[2].messages[1].role)", path: '$.conversations[2].messages[1].role' }, 400));
    const onImported = vi.fn();
    render(<DataTools onImported={onImported} />);

    await act(async () => fireEvent.change(screen.getByLabelText('Import file'), { target: { files: [new File(['{}'], 'bad.json')] } }));

    expect((await screen.findByRole('alert')).textContent).toContain('$.conversations[2].messages[1].role');
    expect(onImported).not.toHaveBeenCalled();
  });

  it('export all downloads /api/export under the name the server gives', async () => {
    const calls = serve(() => new Response('{"format":"parley.export","version":1,"conversations":[]}', {
      headers: { 'Content-Type': 'application/json', 'Content-Disposition': 'attachment; filename="parley-export-20260101-000000.json"' },
    }));
    const { created, clicks } = stubDownloads();
    render(<DataTools />);

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Export all' })));

    expect(calls[0].url).toBe('/api/export?format=json');
    expect(clicks).toEqual(['parley-export-20260101-000000.json']);
    expect(await created[0].text()).toContain('parley.export');
    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Saved parley-export-20260101-000000.json');
  });
});

describe('ConversationItem export menu', () => {
  it('exports the conversation as Markdown from its menu', async () => {
    const calls = serve(() => new Response('# Hi', { headers: { 'Content-Type': 'text/markdown' } }));
    const { clicks } = stubDownloads();
    render(<ul><ConversationItem item={{ id: 'c_1', title: 'Hi', model: 'mock/echo', createdAt: '', updatedAt: '', messageCount: 0, snippet: null }}
      active={false} onOpen={vi.fn()} onRename={vi.fn()} onDelete={vi.fn()} folders={[]} onOrganise={vi.fn()} /></ul>);

    fireEvent.click(screen.getByRole('button', { name: 'Export “Hi”' }));
    await act(async () => fireEvent.click(screen.getByRole('menuitem', { name: 'Export as Markdown' })));

    expect(calls[0].url).toBe('/api/conversations/c_1/export?format=markdown');
    expect(clicks).toEqual(['c_1.md']);
    expect(screen.queryByRole('menu')).toBeNull();
  });
});
