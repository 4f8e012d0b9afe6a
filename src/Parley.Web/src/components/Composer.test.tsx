import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../api/config';
import { Composer } from './Composer';

const limits = { ...defaultConfig.limits, maxMessageChars: 20 };

function setup(onSend = vi.fn(async () => true), streaming = false) {
  const onStop = vi.fn();
  render(<Composer streaming={streaming} limits={limits} vision draftKey="draft-test" onSend={onSend} onStop={onStop} />);
  return { box: screen.getByLabelText('Message') as HTMLTextAreaElement, onSend, onStop };
}

describe('Composer', () => {
  it('Enter sends and clears; Shift+Enter does not send', async () => {
    const { box, onSend } = setup();
    fireEvent.change(box, { target: { value: 'hello' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' });
    });
    expect(onSend).toHaveBeenCalledWith('hello', [], []);
    expect(box.value).toBe('');
  });

  it('does not put a failed send back in the box (the failure keeps it once, with Retry)', async () => {
    const { box } = setup(vi.fn(async () => false));
    fireEvent.change(box, { target: { value: 'only once' } });
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' });
    });
    expect(box.value).toBe('');
    expect(localStorage.getItem('draft-test')).toBeNull();
  });

  it('keeps the typed text as a draft for its key, and shows each key its own draft', () => {
    localStorage.clear();
    const props = { streaming: false, limits, vision: true, onSend: vi.fn(async () => true), onStop: vi.fn() };
    const { rerender } = render(<Composer {...props} draftKey="draft-a" />);
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'half a thought' } });
    rerender(<Composer {...props} draftKey="draft-b" />);
    expect(box.value).toBe('');
    rerender(<Composer {...props} draftKey="draft-a" />);
    expect(box.value).toBe('half a thought');
  });

  it('refuses a message over the limit, keeping it', async () => {
    const { box, onSend } = setup();
    fireEvent.change(box, { target: { value: 'x'.repeat(21) } });
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' });
    });
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/21 characters; the limit is 20 characters/);
    expect(box.value).toHaveLength(21);
  });

  it('shows Stop while streaming, and Esc stops', () => {
    const { box, onStop } = setup(undefined, true);
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(onStop).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Stop generating' }));
    expect(onStop).toHaveBeenCalledTimes(2);
  });

  it('refuses a file that is not an image', async () => {
    setup();
    const input = screen.getByLabelText('Choose images to attach') as HTMLInputElement;
    await act(async () => {
      fireEvent.change(input, { target: { files: [new File(['x'], 'a.pdf', { type: 'application/pdf' })] } });
    });
    expect(screen.getByRole('alert').textContent).toMatch(/“a.pdf” is not an image/);
  });

  it('attaches documents as chips and hands their files to onSend', async () => {
    const onSend = vi.fn(async () => true);
    const docLimits = { ...limits, maxDocumentBytes: 1000, maxDocumentsPerMessage: 2, documentExtensions: ['.md', '.pdf'] };
    render(<Composer streaming={false} limits={docLimits} vision draftKey="draft-docs" onSend={onSend} onStop={vi.fn()} />);
    const input = screen.getByLabelText('Choose images or documents to attach') as HTMLInputElement;
    expect(input.accept).toContain('.pdf');
    const notes = new File(['# hi'], 'notes.md', { type: 'text/markdown' });
    await act(async () => {
      fireEvent.change(input, { target: { files: [notes, new File(['x'.repeat(2000)], 'big.pdf', { type: 'application/pdf' })] } });
    });
    expect(screen.getByRole('alert').textContent).toMatch(/“big.pdf” is 2.0 KB; documents can be at most 1000 B/);
    const chips = screen.getByRole('list', { name: 'Attached documents' });
    expect(chips.textContent).toContain('notes.md');
    await act(async () => {
      fireEvent.keyDown(screen.getByLabelText('Message'), { key: 'Enter' });
    });
    expect(onSend).toHaveBeenCalledWith('', [], [notes]);
    expect(screen.queryByRole('list', { name: 'Attached documents' })).toBeNull();
  });

  it('refuses an unknown file type when documents are on, naming what is accepted', async () => {
    const docLimits = { ...limits, maxDocumentBytes: 1000, documentExtensions: ['.md'] };
    render(<Composer streaming={false} limits={docLimits} vision draftKey="draft-docs" onSend={vi.fn(async () => true)} onStop={vi.fn()} />);
    await act(async () => {
      fireEvent.change(screen.getByTestId('file-input'), { target: { files: [new File(['x'], 'tool.exe', { type: 'application/x-msdownload' })] } });
    });
    expect(screen.getByRole('alert').textContent).toMatch(/“tool.exe” is not a document type this server reads/);
  });
});
