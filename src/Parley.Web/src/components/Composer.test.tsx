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
    expect(onSend).toHaveBeenCalledWith('hello', []);
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
});
