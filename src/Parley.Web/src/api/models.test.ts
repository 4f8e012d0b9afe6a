import { describe, expect, it } from 'vitest';
import { byProvider, optionLabel, toModelInfo } from './models';

describe('model picker data', () => {
  it('groups models by provider in the server\'s order and names what they can do', () => {
    const models = [
      toModelInfo({ id: 'openai/gpt-4o', owned_by: 'openai', vision: true }),
      toModelInfo({ id: 'mock/echo', owned_by: 'mock', is_mock: true, display_name: 'Echo' }),
      toModelInfo({ id: 'openai/o3-mini', owned_by: 'openai', vision: false }),
    ];
    expect(byProvider(models).map(([p, list]) => [p, list.map((m) => m.id)])).toEqual([
      ['openai', ['openai/gpt-4o', 'openai/o3-mini']],
      ['mock', ['mock/echo']],
    ]);
    expect(optionLabel(models[0])).toBe('openai/gpt-4o · vision');
    expect(optionLabel(models[2])).toBe('openai/o3-mini');
    expect(models[1].label).toBe('Echo (mock)');
  });
});
