import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ToolInfo } from '../api/tools';
import { SettingsPanel } from './SettingsPanel';

const tools: ToolInfo[] = [
  { name: 'current_time', description: 'Returns the time.', enabledByDefault: true, source: 'built-in', server: null },
  { name: 'calculator', description: 'Does sums.', enabledByDefault: true, source: 'built-in', server: null },
  { name: 'files__read_file', description: 'Reads a file.', enabledByDefault: false, source: 'mcp', server: 'files' },
];

function serve(body: unknown = { tools }) {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } })));
}

async function setup(setting: string[] | null, onSave = vi.fn(async () => undefined)) {
  const onClose = vi.fn();
  render(<SettingsPanel systemPrompt="Be brief." temperature={null} tools={setting} onSave={onSave} onClose={onClose} />);
  await screen.findByLabelText('current_time');
  const box = (name: string) => screen.getByRole('checkbox', { name: new RegExp(`^${name}`) }) as HTMLInputElement;
  const save = () => act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
  return { onSave, onClose, box, save };
}

afterEach(() => vi.unstubAllGlobals());

describe('SettingsPanel tools', () => {
  it('shows the defaults for null, with hints and an MCP badge', async () => {
    serve();
    const { box } = await setup(null);
    expect(box('current_time').checked).toBe(true);
    expect(box('calculator').checked).toBe(true);
    expect(box('files__read_file').checked).toBe(false);
    expect(box('files__read_file')).toHaveProperty('labels.0.textContent', 'files__read_fileMCP');
    expect(screen.getByText('Returns the time.').id).toBe(box('current_time').getAttribute('aria-describedby'));
    expect((screen.getByRole('button', { name: 'Reset to defaults' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('leaves tools out of the patch when they were not touched', async () => {
    serve();
    const first = await setup(null);
    await first.save();
    expect(first.onSave).toHaveBeenCalledWith({ systemPrompt: 'Be brief.', temperature: null });
    expect(first.onClose).toHaveBeenCalled();
  });

  it('unticking a default tool sends the rest', async () => {
    serve();
    const { box, save, onSave } = await setup(null);
    fireEvent.click(box('current_time'));
    await save();
    expect(onSave).toHaveBeenCalledWith(expect.objectContaining({ tools: ['calculator'] }));
  });

  it('Reset to defaults sends null', async () => {
    serve();
    const { box, save, onSave } = await setup([]);
    expect(box('calculator').checked).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Reset to defaults' }));
    expect(box('calculator').checked).toBe(true);
    await save();
    expect(onSave).toHaveBeenCalledWith(expect.objectContaining({ tools: null }));
  });

  it('shows a refused save inline and stays open', async () => {
    serve();
    const onSave = vi.fn(async () => {
      throw new Error("There is no tool named 'x'.");
    });
    const { box, save, onClose } = await setup(null, onSave);
    fireEvent.click(box('calculator'));
    await save();
    expect(screen.getByRole('alert').textContent).toBe("There is no tool named 'x'.");
    expect(onClose).not.toHaveBeenCalled();
  });

  it('shows a failed tool list with a retry', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('offline'); }));
    render(<SettingsPanel systemPrompt={null} temperature={null} tools={null} onSave={vi.fn()} onClose={vi.fn()} />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/Can't reach the Parley server/));
    serve();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByLabelText('calculator')).toBeTruthy();
  });
});
