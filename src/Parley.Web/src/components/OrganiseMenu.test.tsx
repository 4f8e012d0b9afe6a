import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ConversationItem } from './ConversationItem';

const folders = [{ id: 'f_work', name: 'Work', createdAt: '' }, { id: 'f_home', name: 'Home', createdAt: '' }];
const item = (extra: object = {}) => ({ id: 'c_1', title: 'Hi', model: 'mock/echo', createdAt: '', updatedAt: '', messageCount: 0, ...extra });

describe('ConversationItem organise menu', () => {
  it('pins and moves to a folder from the menu, focusing its first item', () => {
    const onOrganise = vi.fn();
    render(<ul><ConversationItem item={item()} active={false} onOpen={vi.fn()} onRename={vi.fn()} onDelete={vi.fn()}
      folders={folders} onOrganise={onOrganise} /></ul>);

    fireEvent.click(screen.getByRole('button', { name: 'Organise “Hi”' }));
    const items = screen.getAllByRole('menuitem').map((b) => b.textContent);
    expect(items).toEqual(['Pin', 'Move to “Work”', 'Move to “Home”']);
    expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'Pin' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Pin' }));
    expect(onOrganise).toHaveBeenLastCalledWith('c_1', { pinned: true });
    expect(screen.queryByRole('menu')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Organise “Hi”' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Move to “Home”' }));
    expect(onOrganise).toHaveBeenLastCalledWith('c_1', { folderId: 'f_home' });
  });

  it('offers unpin and taking it out of its folder, and Escape closes the menu', () => {
    const onOrganise = vi.fn();
    render(<ul><ConversationItem item={item({ pinned: true, folderId: 'f_work' })} active={false} onOpen={vi.fn()} onRename={vi.fn()}
      onDelete={vi.fn()} folders={folders} onOrganise={onOrganise} /></ul>);

    fireEvent.click(screen.getByRole('button', { name: 'Organise “Hi”' }));
    expect(screen.getAllByRole('menuitem').map((b) => b.textContent)).toEqual(['Unpin', 'Move to “Home”', 'Remove from “Work”']);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Remove from “Work”' }));
    expect(onOrganise).toHaveBeenLastCalledWith('c_1', { folderId: null });

    fireEvent.click(screen.getByRole('button', { name: 'Organise “Hi”' }));
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
  });
});
