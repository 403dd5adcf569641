import { spawn } from 'node:child_process';
import { PluginWatcher } from '@plugd/supervisor';
import type { Logger } from 'pino';

/**
 * `npm run build` in a project, now and after each settled burst of saves under its
 * sources, one build at a time (saves during a build make one more). The supervisor's
 * own watch on the build's output then reloads the plugin; a failed build leaves the
 * running generation serving.
 */
export class RebuildOnSave {
  private watcher: PluginWatcher | undefined;
  private building: Promise<boolean> | undefined;
  private again = false;

  constructor(
    private readonly dir: string,
    private readonly sources: string,
    private readonly logger: Logger,
    private readonly print: (text: string) => void,
  ) {}

  /** Builds once (resolves with whether it worked), then watches the sources. */
  async start(): Promise<boolean> {
    const ok = await this.build();
    this.watcher = new PluginWatcher({ plugin: 'build', paths: [this.sources], debounceMs: 100, logger: this.logger, onChange: () => void this.build() });
    await this.watcher.start();
    return ok;
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    await this.building;
  }

  private build(): Promise<boolean> {
    if (this.building) {
      this.again = true;
      return this.building;
    }
    this.building = this.runBuild().finally(() => {
      this.building = undefined;
      if (this.again) {
        this.again = false;
        void this.build();
      }
    });
    return this.building;
  }

  private runBuild(): Promise<boolean> {
    this.logger.info(`building: npm run build in ${this.dir}`);
    return new Promise((resolve) => {
      const child = spawn('npm', ['run', '--silent', 'build'], { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      const output: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => output.push(c));
      child.stderr.on('data', (c: Buffer) => output.push(c));
      child.on('error', (error) => {
        this.logger.error(`build could not start: ${error.message}`);
        resolve(false);
      });
      child.on('close', (code) => {
        const text = Buffer.concat(output).toString('utf8').trimEnd();
        if (text) this.print(text);
        if (code === 0) this.logger.info('build done');
        else this.logger.error(`build failed (exit ${code}); the running plugin keeps serving until a build works`);
        resolve(code === 0);
      });
    });
  }
}
