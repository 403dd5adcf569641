import { PassThrough } from 'node:stream';
import { FrameDecoder, LineDecoder } from '@plugd/protocol';
import type { FrameSink } from '@plugd/protocol';
import { PlugdError } from '../../src/errors.js';
import type { LaunchSpec, LaunchedProcess, ProcessLauncher } from '../../src/process/launcher.js';

/** One JSON-RPC message as the fake plugin received it. */
export interface Received {
  readonly id?: number;
  readonly method: string;
  readonly params?: unknown;
}

/** A `run` request the fake plugin holds until the test answers it. */
export interface HeldRun {
  readonly rpcId: number;
  readonly action: { action: string; id?: number; args?: Record<string, unknown> };
}

/** What the fake plugin does; every field has a well-behaved default. */
export interface FakeScript {
  /** This launch fails as the real launcher does for a program that does not exist, with this message. */
  missing?: string;
  /** answer (default), hang (never answers), error (JSON-RPC error), exit (exits with code 3 first). */
  initialize?: 'answer' | 'hang' | 'error' | 'exit';
  actions?: readonly string[];
  concurrency?: number;
  version?: string;
  /** answer at once (default), or hold until the test calls answer()/answerAll(). */
  run?: 'answer' | 'hold';
  ping?: 'answer' | 'hang';
  shutdown?: 'answer' | 'hang';
  /** Exits with code 0 on `exit` (default true) and on stdin EOF (default true). */
  exitOnExit?: boolean;
  exitOnEof?: boolean;
  ignoreSigterm?: boolean;
  /** The `idempotent` rules of its initialize result. */
  idempotent?: readonly unknown[];
  /** Offers newline-delimited JSON in its initialize result and switches to it when `initialized` says so (as the SDK does). */
  ndjson?: boolean;
}

let nextPid = 900_000;

/**
 * An in-memory plugin process: the supervisor's end gets real streams carrying real
 * frames (Content-Length, or newline-delimited JSON once negotiated, with the protocol's
 * own decoders); the other end is a tiny scriptable plugin. Exits, signals and
 * pipe errors are asynchronous, as with a real child.
 */
export class FakeProcess implements LaunchedProcess {
  readonly pid: number;
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly received: Received[] = [];
  readonly held: HeldRun[] = [];
  /** Action ids (action.id) of every `run` received, in order. */
  readonly ranIds: number[] = [];
  exitedWith: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly signals: (NodeJS.Signals | 0)[] = [];
  private readonly exitListeners: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];
  /** Every byte the supervisor wrote, in order. */
  readonly wire: Buffer[] = [];
  /** The framing this fake writes in now. */
  framing: 'content-length' | 'ndjson' = 'content-length';
  private readonly sink: FrameSink = {
    message: (message) => this.onMessage(message as Received),
    violation: (problem, seen) => {
      throw new Error(`fake plugin got a bad frame: ${problem}: ${seen.toString('utf8')}`);
    },
  };
  private readonly decoder = new FrameDecoder(Number.MAX_SAFE_INTEGER, this.sink);

  constructor(
    readonly spec: LaunchSpec,
    readonly script: FakeScript,
  ) {
    this.pid = nextPid++;
    this.stdin.on('data', (chunk: Buffer) => this.onBytes(chunk));
    this.stdin.on('end', () => {
      if (this.script.exitOnEof !== false) this.exit(0, null);
    });
    // A write after exit is a broken pipe, as with a real child.
    this.stdin.on('error', () => undefined);
  }

  get alive(): boolean {
    return this.exitedWith === undefined;
  }

  /** `run` requests received so far (held or answered). */
  get runs(): Received[] {
    return this.received.filter((m) => m.method === 'run');
  }

  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.exitListeners.push(listener);
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  onError(): void {
    // A fake always spawns; "cannot be run" is FakeLauncher.missing.
  }

  signalGroup(signal: NodeJS.Signals | 0): boolean {
    if (!this.alive) return false;
    this.signals.push(signal);
    if (signal === 'SIGKILL') this.exit(null, 'SIGKILL');
    else if (signal === 'SIGTERM' && !this.script.ignoreSigterm) this.exit(null, 'SIGTERM');
    return true;
  }

  /** Ends the process (asynchronously, like a real exit): pipes close, then exit, then close. */
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (!this.alive) return;
    this.exitedWith = { code, signal };
    setImmediate(() => {
      this.stdout.end();
      this.stderr.end();
      this.stdin.destroy();
      for (const l of this.exitListeners.splice(0)) l(code, signal);
      setImmediate(() => {
        for (const l of this.closeListeners.splice(0)) l();
      });
    });
  }

  /** Writes raw bytes on stdout (garbage, a half frame, ...). */
  writeRaw(text: string): void {
    this.stdout.write(text);
  }

  writeStderr(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  /** What the supervisor wrote, as text. */
  get wireText(): string {
    return Buffer.concat(this.wire).toString('utf8');
  }

  /** Sends one frame to the supervisor, in the current framing. */
  send(message: object): void {
    if (!this.alive) return;
    const json = JSON.stringify({ jsonrpc: '2.0', ...message });
    this.stdout.write(this.framing === 'ndjson' ? `${json}\n` : `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  }

  /** Answers held runs (all, or those whose action id passes `which`). */
  answer(which: (run: HeldRun) => boolean = () => true, observation?: object): number {
    let count = 0;
    for (const run of [...this.held]) {
      if (!which(run)) continue;
      this.held.splice(this.held.indexOf(run), 1);
      this.send({ id: run.rpcId, result: observation ?? okObservation(run.action) });
      count += 1;
    }
    return count;
  }

  private onBytes(chunk: Buffer): void {
    this.wire.push(chunk);
    this.decoder.push(chunk);
  }

  private onMessage(message: Received): void {
    if (!this.alive) return;
    this.received.push(message);
    const { id, method } = message;
    const s = this.script;
    switch (method) {
      case 'initialize':
        if (s.initialize === 'hang') return;
        if (s.initialize === 'exit') return this.exit(3);
        if (s.initialize === 'error') return this.send({ id, error: { code: -32603, message: 'initialize refused' } });
        return this.send({
          id,
          result: {
            name: 'fake',
            version: s.version ?? '1.0.0',
            protocolVersion: 1,
            actions: s.actions ?? ['run'],
            capabilities: { concurrency: s.concurrency ?? 1 },
            ...(s.idempotent ? { idempotent: s.idempotent } : {}),
            ...(s.ndjson ? { framing: ['ndjson', 'content-length'] } : {}),
          },
        });
      case 'initialized':
        if (s.ndjson && (message.params as { framing?: string } | undefined)?.framing === 'ndjson') {
          this.decoder.handOver(new LineDecoder(Number.MAX_SAFE_INTEGER, this.sink, { objectsOnly: true }), 'next-frame');
          this.framing = 'ndjson';
        }
        return;
      case 'run': {
        const action = (message.params as { action: HeldRun['action'] }).action;
        if (typeof action.id === 'number') this.ranIds.push(action.id);
        this.held.push({ rpcId: id!, action });
        if (s.run !== 'hold') this.answer((r) => r.rpcId === id);
        return;
      }
      case '$/ping':
        if (s.ping !== 'hang') this.send({ id, result: {} });
        return;
      case 'shutdown':
        if (s.shutdown !== 'hang') this.send({ id, result: null });
        return;
      case 'exit':
        if (s.exitOnExit !== false) this.exit(0);
        return;
      default:
        return;
    }
  }
}

export function okObservation(action: HeldRun['action']): object {
  return { observation: 'run', content: `ran ${action.action} #${action.id ?? '?'}`, extras: {} };
}

/** Hands out FakeProcesses; each launch takes the next queued script (or the default). */
export class FakeLauncher implements ProcessLauncher {
  readonly processes: FakeProcess[] = [];
  private readonly scripts: FakeScript[] = [];
  /** When set, launch() throws as the real launcher does for a program that does not exist. */
  missing: string | undefined;

  constructor(private readonly defaultScript: FakeScript = {}) {}

  /** The script of the next launch (queued in order). */
  next(script: FakeScript): this {
    this.scripts.push(script);
    return this;
  }

  launch(spec: LaunchSpec): LaunchedProcess {
    const script = this.scripts.shift() ?? this.defaultScript;
    const missing = this.missing ?? script.missing;
    if (missing) throw new PlugdError('PROGRAM_NOT_FOUND', missing);
    const proc = new FakeProcess(spec, script);
    this.processes.push(proc);
    return proc;
  }

  get last(): FakeProcess {
    const proc = this.processes.at(-1);
    if (!proc) throw new Error('nothing was launched');
    return proc;
  }

  get alive(): FakeProcess[] {
    return this.processes.filter((p) => p.alive);
  }
}
