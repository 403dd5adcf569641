/** The file bin/plugd runs from `binDir`: the CLI bundle when fresh, else tsc's output. */
export function cliEntry(binDir: string): string;
