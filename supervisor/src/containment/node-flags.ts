/**
 * The Node options a plugin may start with and still take the Node gate: each one runs
 * no code before the first `--require` preload (the gate), starts no process, and adds
 * no preload of its own ahead of it. A whitelist: an option not here (a new Node's, a
 * V8 flag, a typo) keeps the sh wrapper. Why the others are out: docs/containment.md.
 * `value`: takes one argument, as `--opt=v` or `--opt v`; `flag`: takes none.
 */
const OPTIONS: ReadonlyMap<string, 'flag' | 'value'> = new Map([
  // Code that runs after the preloads: --require in order (the gate is first), then
  // --import (documented: "--require modules run before --import modules"), then -e/-p
  // or the script.
  ['--require', 'value'],
  ['-r', 'value'],
  ['--import', 'value'],
  ['--eval', 'value'],
  ['-e', 'value'],
  ['--print', 'value'],
  ['-p', 'value'],
  ['--check', 'flag'],
  ['-c', 'flag'],
  ['--input-type', 'value'],
  ['--experimental-default-type', 'value'],
  // How modules resolve and load (the gate is a .cjs file by absolute path: unaffected).
  ['--conditions', 'value'],
  ['-C', 'value'],
  ['--preserve-symlinks', 'flag'],
  ['--preserve-symlinks-main', 'flag'],
  ['--experimental-vm-modules', 'flag'],
  ['--experimental-wasm-modules', 'flag'],
  ['--experimental-require-module', 'flag'],
  ['--no-experimental-require-module', 'flag'],
  ['--experimental-detect-module', 'flag'],
  ['--no-experimental-detect-module', 'flag'],
  ['--experimental-strip-types', 'flag'],
  ['--no-experimental-strip-types', 'flag'],
  ['--experimental-transform-types', 'flag'],
  ['--no-addons', 'flag'],
  ['--disallow-code-generation-from-strings', 'flag'],
  ['--frozen-intrinsics', 'flag'],
  // Warnings, errors, diagnostics.
  ['--enable-source-maps', 'flag'],
  ['--no-warnings', 'flag'],
  ['--disable-warning', 'value'],
  ['--no-deprecation', 'flag'],
  ['--pending-deprecation', 'flag'],
  ['--throw-deprecation', 'flag'],
  ['--trace-deprecation', 'flag'],
  ['--trace-warnings', 'flag'],
  ['--trace-uncaught', 'flag'],
  ['--unhandled-rejections', 'value'],
  ['--abort-on-uncaught-exception', 'flag'],
  ['--stack-trace-limit', 'value'],
  ['--title', 'value'],
  // Memory and runtime tuning.
  ['--max-old-space-size', 'value'],
  ['--max-semi-space-size', 'value'],
  ['--stack-size', 'value'],
  ['--expose-gc', 'flag'],
  ['--jitless', 'flag'],
  ['--zero-fill-buffers', 'flag'],
  ['--dns-result-order', 'value'],
  ['--max-http-header-size', 'value'],
]);

/**
 * Checks the options between `node` and its script (`args` starts right after the
 * node program): undefined when all are whitelisted, else the first that is not.
 * Options end at the first argument that is not one (the script, or `-` for stdin) or
 * at `--`; what follows is the script's own.
 */
export function unsafeNodeOption(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--' || arg === '-' || !arg.startsWith('-')) return undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const kind = OPTIONS.get(name);
    if (!kind) return name;
    if (kind === 'flag' && eq >= 0) return arg;
    if (kind === 'value' && eq < 0 && ++i >= args.length) return `${name} without its value`;
  }
  return undefined;
}
