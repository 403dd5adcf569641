/** Node's permission model refused something (`--permission` / `--experimental-permission`). */
export interface AccessDenied {
  readonly code: 'ERR_ACCESS_DENIED';
  readonly permission?: string;
  readonly resource?: string;
}

export function isAccessDenied(error: unknown): error is AccessDenied {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_ACCESS_DENIED';
}

const GRANTS: Readonly<Record<string, { what: string; grant: string }>> = {
  FileSystemRead: { what: 'reading', grant: 'fsRead' },
  FileSystemWrite: { what: 'writing', grant: 'fsWrite' },
  ChildProcess: { what: 'starting a child process', grant: 'childProcess' },
  WorkerThreads: { what: 'starting a worker thread', grant: 'worker' },
  Worker: { what: 'starting a worker thread', grant: 'worker' },
};

/** One sentence naming the denied access and the grant that would allow it. */
export function describeAccessDenied(error: AccessDenied): string {
  const known = error.permission ? GRANTS[error.permission] : undefined;
  const what = known ? `${known.what}${error.resource ? ` ${error.resource}` : ''}` : `${error.permission ?? 'an operation'}${error.resource ? ` on ${error.resource}` : ''}`;
  const fix = known ? `add it to "permissions.${known.grant}"` : 'extend its "permissions"';
  return `Node's permission model denied ${what} (${error.permission ?? 'permission'} not granted). If the plugin needs it, ${fix} in its plugd.json entry`;
}
