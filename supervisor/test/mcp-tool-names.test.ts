import { describe, expect, it } from '@jest/globals';
import { exposedTools, resolveTool } from '../src/mcp/tool-names.js';
import { routeToolCall } from '../src/mcp/call-tool-route.js';

const tools = (...names: string[]) => names.map((name) => ({ name, inputSchema: { type: 'object' } }));

describe('MCP tool names as OpenHands exposes them', () => {
  it('exposes bare names with one server and <server>_<tool> with several', () => {
    expect(exposedTools([{ name: 'fs', tools: tools('read') }]).map((t) => t.name)).toEqual(['read']);
    expect(exposedTools([{ name: 'fs', tools: tools('read') }, { name: 'git', tools: tools('log') }]).map((t) => t.name)).toEqual(['fs_read', 'git_log']);
  });

  it('resolves <server>_<tool>, a unique bare name, and names the candidates of an ambiguous one', () => {
    const servers = [{ name: 'a', tools: tools('echo', 'sum') }, { name: 'b', tools: tools('echo') }, { name: 'a_b', tools: tools('x') }];
    expect(resolveTool('b_echo', servers)).toEqual({ kind: 'found', server: 'b', tool: 'echo' });
    expect(resolveTool('a_b_x', servers)).toEqual({ kind: 'found', server: 'a_b', tool: 'x' });
    expect(resolveTool('sum', servers)).toEqual({ kind: 'found', server: 'a', tool: 'sum' });
    expect(resolveTool('echo', servers)).toEqual({ kind: 'ambiguous', candidates: ['a_echo', 'b_echo'] });
    expect(resolveTool('nope', servers)).toMatchObject({ kind: 'unknown' });
  });

  it('sends <server>_<tool> to a server whose tools are not known yet (it waits or says why it is down)', () => {
    expect(resolveTool('late_read', [{ name: 'late', tools: undefined }, { name: 'b', tools: tools('x') }])).toEqual({ kind: 'found', server: 'late', tool: 'read' });
  });

  it('answers INVALID_ACTION listing the candidates for an ambiguous name, and for a call without a name', () => {
    const servers = [{ name: 'a', state: 'ready', tools: tools('echo') }, { name: 'b', state: 'ready', tools: tools('echo') }];
    const ambiguous = routeToolCall({ action: 'call_tool_mcp', args: { name: 'echo' } }, servers);
    expect(ambiguous).toMatchObject({ observation: 'error', extras: { error_id: 'INVALID_ACTION' } });
    expect((ambiguous as { content: string }).content).toContain('a_echo, b_echo');
    expect(routeToolCall({ action: 'call_tool_mcp', args: {} }, servers)).toMatchObject({ extras: { error_id: 'INVALID_ACTION' } });
    expect(routeToolCall({ action: 'call_tool_mcp', args: { name: 'echo', arguments: [1] } }, servers)).toMatchObject({ extras: { error_id: 'INVALID_ACTION' } });
  });
});
