import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_DRAFTS, clearDrafts, draftKey, loadDraft, saveDraft } from './drafts';

describe('drafts', () => {
  beforeEach(() => localStorage.clear());

  it('keeps a draft per user and conversation', () => {
    saveDraft(draftKey('ann', 'c1'), 'for c1');
    saveDraft(draftKey('ann', null), 'for a new chat');
    saveDraft(draftKey('bob', 'c1'), 'bob in c1');
    expect(loadDraft(draftKey('ann', 'c1'))).toBe('for c1');
    expect(loadDraft(draftKey('ann', null))).toBe('for a new chat');
    expect(loadDraft(draftKey('bob', 'c1'))).toBe('bob in c1');
    expect(loadDraft(draftKey('ann', 'c2'))).toBe('');
  });

  it('removes a draft saved as empty, and ignores a corrupt entry', () => {
    const key = draftKey('ann', 'c1');
    saveDraft(key, 'x');
    saveDraft(key, '');
    expect(localStorage.getItem(key)).toBeNull();
    localStorage.setItem(key, '{not json');
    expect(loadDraft(key)).toBe('');
  });

  it('drops the oldest drafts beyond the cap, per user', () => {
    for (let i = 0; i <= MAX_DRAFTS; i++) saveDraft(draftKey('ann', `c${i}`), `d${i}`, 1000 + i);
    saveDraft(draftKey('bob', 'b'), 'bob', 1);
    expect(loadDraft(draftKey('ann', 'c0'))).toBe('');
    expect(loadDraft(draftKey('ann', `c${MAX_DRAFTS}`))).toBe(`d${MAX_DRAFTS}`);
    expect(loadDraft(draftKey('bob', 'b'))).toBe('bob');
  });

  it('sign-out clears only that user', () => {
    saveDraft(draftKey('ann', 'c1'), 'a');
    saveDraft(draftKey('annie', 'c1'), 'b');
    clearDrafts('ann');
    expect(loadDraft(draftKey('ann', 'c1'))).toBe('');
    expect(loadDraft(draftKey('annie', 'c1'))).toBe('b');
  });
});
