import { describe, expect, it } from '@jest/globals';
import { mcpPluginsFromFlags } from '../src/mcp-flags.js';
import { UsageError } from '../src/usage-error.js';

describe('--mcp CMD', () => {
  it('names a server after its package or folder, not "index", and numbers repeats', () => {
    const plugins = mcpPluginsFromFlags(['node /x/node_modules/@modelcontextprotocol/server-everything/dist/index.js stdio', 'node /y/@modelcontextprotocol/server-memory@2026.8.31', 'node /z/server-memory/dist/index.js']);
    expect(plugins.map((p) => [p.name, p.protocol])).toEqual([
      ['server-everything', 'mcp'],
      ['server-memory', 'mcp'],
      ['server-memory-2', 'mcp'],
    ]);
  });

  it('is a usage error naming the program when it cannot be found, and for an empty command', () => {
    expect(() => mcpPluginsFromFlags(['no-such-mcp-server-xyz --stdio'])).toThrow(/cannot find the program "no-such-mcp-server-xyz"/);
    expect(() => mcpPluginsFromFlags(['  '])).toThrow(UsageError);
  });
});
