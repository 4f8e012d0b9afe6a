import { describe, expect, it } from 'vitest';
import type { ToolInfo } from '../api/tools';
import { effectiveTools, sameSetting, toggleTool, unavailableTools } from './tools';

const tool = (name: string, enabledByDefault: boolean, source: ToolInfo['source'] = 'built-in'): ToolInfo => ({
  name, description: '', enabledByDefault, source, server: source === 'mcp' ? 'files' : null,
});
const tools = [tool('current_time', true), tool('calculator', true), tool('files__read_file', false, 'mcp')];
const names = (s: Set<string>) => [...s].sort();

describe('effectiveTools', () => {
  it('null (and a missing setting) means the tools enabled by default', () => {
    expect(names(effectiveTools(null, tools))).toEqual(['calculator', 'current_time']);
    expect(names(effectiveTools(undefined, tools))).toEqual(['calculator', 'current_time']);
  });

  it('[] means none', () => {
    expect(effectiveTools([], tools).size).toBe(0);
  });

  it('a list means exactly those tools, ignoring names the server does not list', () => {
    expect(names(effectiveTools(['files__read_file', 'gone'], tools))).toEqual(['files__read_file']);
  });
});

describe('toggleTool', () => {
  it('switching one default off gives an explicit list of the rest', () => {
    expect(toggleTool(null, tools, 'current_time', false)).toEqual(['calculator']);
  });

  it('switching a tool on keeps the server order', () => {
    expect(toggleTool(['calculator'], tools, 'current_time', true)).toEqual(['current_time', 'calculator']);
    expect(toggleTool(null, tools, 'files__read_file', true)).toEqual(['current_time', 'calculator', 'files__read_file']);
  });

  it('switching the last tool off gives [] (none), not null (defaults)', () => {
    expect(toggleTool(['calculator'], tools, 'calculator', false)).toEqual([]);
  });

  it('drops names the server no longer lists, which it would refuse', () => {
    expect(toggleTool(['gone', 'calculator'], tools, 'current_time', true)).toEqual(['current_time', 'calculator']);
    expect(unavailableTools(['gone', 'calculator'], tools)).toEqual(['gone']);
    expect(unavailableTools(null, tools)).toEqual([]);
  });
});

describe('sameSetting', () => {
  it('tells defaults, none and lists apart', () => {
    expect(sameSetting(null, undefined)).toBe(true);
    expect(sameSetting(null, [])).toBe(false);
    expect(sameSetting([], [])).toBe(true);
    expect(sameSetting(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameSetting(['a', 'b'], ['b', 'a'])).toBe(false);
  });
});
