import { PassThrough } from 'node:stream';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { LaunchSpec, LaunchedProcess, ProcessLauncher } from '../../src/process/launcher.js';

let nextPid = 950_000;

/**
 * An in-memory stdio MCP server: the MCP SDK's own Server over PassThrough pipes
 * (newline-delimited JSON, as a real one speaks). Tools: `echo` answers at once; `slow`
 * sends progress and answers only when released or cancelled (`cancelled` records it).
 */
export class FakeMcpProcess implements LaunchedProcess {
  readonly pid = nextPid++;
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly server = new Server({ name: 'fake-mcp', version: '2.0.0' }, { capabilities: { tools: { listChanged: true } } });
  tools = ['echo', 'slow'];
  readonly cancelled: string[] = [];
  private release: (() => void) | undefined;
  private exitListeners: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  private alive = true;

  constructor(readonly spec: LaunchSpec, handshake: 'answer' | 'hang') {
    this.stdin.on('error', () => undefined);
    this.server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: this.tools.map((name) => ({ name, inputSchema: { type: 'object' as const } })),
    }));
    this.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const { name, arguments: args } = request.params;
      if (!this.tools.includes(name)) throw new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`);
      if (name === 'echo') return { content: [{ type: 'text' as const, text: `echo ${JSON.stringify(args ?? {})}` }] };
      const token = request.params._meta?.progressToken;
      if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: 1, total: 2 } });
      await new Promise<void>((resolve) => {
        this.release = resolve;
        extra.signal.addEventListener('abort', () => {
          this.cancelled.push(String(extra.signal.reason ?? 'aborted'));
          resolve();
        });
      });
      return { content: [{ type: 'text' as const, text: 'slow done' }] };
    });
    if (handshake === 'answer') void this.server.connect(new StdioServerTransport(this.stdin, this.stdout));
  }

  /** Lets the held `slow` call answer. */
  finishSlow(): void {
    this.release?.();
  }

  async changeTools(tools: string[]): Promise<void> {
    this.tools = tools;
    await this.server.sendToolListChanged();
  }

  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.exitListeners.push(listener);
  }

  onClose(listener: () => void): void {
    this.stdout.once('close', listener);
  }

  onError(): void {}

  signalGroup(signal: NodeJS.Signals | 0): boolean {
    if (!this.alive) return false;
    if (signal === 'SIGKILL' || signal === 'SIGTERM') this.exit(null, signal);
    return true;
  }

  exit(code: number | null, signal: NodeJS.Signals | null): void {
    if (!this.alive) return;
    this.alive = false;
    setImmediate(() => {
      this.stdout.destroy();
      this.stderr.destroy();
      this.stdin.destroy();
      for (const l of this.exitListeners.splice(0)) l(code, signal);
    });
  }
}

export class FakeMcpLauncher implements ProcessLauncher {
  readonly processes: FakeMcpProcess[] = [];
  constructor(private readonly handshake: 'answer' | 'hang' = 'answer') {}
  launch(spec: LaunchSpec): LaunchedProcess {
    const proc = new FakeMcpProcess(spec, this.handshake);
    this.processes.push(proc);
    return proc;
  }
  get last(): FakeMcpProcess {
    return this.processes.at(-1)!;
  }
}
