import { PROTOCOL_ENV } from '@plugd/protocol';

/** Explains, in one line, that a plugin is meant to be started by plugd. */
export function refuseManualStart(name: string): boolean {
  if (process.env[PROTOCOL_ENV] === '1') return false;
  process.stderr.write(
    `${name}: this is a plugd plugin; it speaks JSON-RPC on stdio and is started by plugd (set ${PROTOCOL_ENV}=1 to run it by hand).\n`,
  );
  process.exitCode = 2;
  return true;
}
