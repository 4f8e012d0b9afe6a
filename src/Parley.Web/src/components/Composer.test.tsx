import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../api/config';
import { Composer } from './Composer';

const limits = { ...defaultConfig.limits, maxMessageChars: 20 };

function setup(onSend = vi.fn(async () => true), streaming = false) {
  const onStop = vi.fn();
  render(<Composer streaming={streaming} limits={limits} vision onSend={onSend} onStop={onStop} />);
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

  it('gives the text back when the send fails', async () => {
    const { box } = setup(vi.fn(async () => false));
    fireEvent.change(box, { target: { value: 'keep me' } });
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' });
    });
    expect(box.value).toBe('keep me');
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
    render(<Composer streaming={false} limits={docLimits} vision onSend={onSend} onStop={vi.fn()} />);
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
    render(<Composer streaming={false} limits={docLimits} vision onSend={vi.fn(async () => true)} onStop={vi.fn()} />);
    await act(async () => {
      fireEvent.change(screen.getByTestId('file-input'), { target: { files: [new File(['x'], 'tool.exe', { type: 'application/x-msdownload' })] } });
    });
    expect(screen.getByRole('alert').textContent).toMatch(/“tool.exe” is not a document type this server reads/);
  });
});
