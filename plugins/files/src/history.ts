/** Contents of a file before an edit; `undefined` means the edit created the file. */
export type Snapshot = string | undefined;

const MAX_PER_FILE = 50;

/** Per-file undo stacks, in memory for the life of the plugin process. */
export class EditHistory {
  private readonly stacks = new Map<string, Snapshot[]>();

  push(path: string, before: Snapshot): void {
    const stack = this.stacks.get(path) ?? [];
    stack.push(before);
    if (stack.length > MAX_PER_FILE) stack.shift();
    this.stacks.set(path, stack);
  }

  /** The snapshot to restore, or null when the file has no edit to undo. */
  pop(path: string): { before: Snapshot } | null {
    const stack = this.stacks.get(path);
    if (!stack || stack.length === 0) return null;
    const before = stack.pop();
    if (stack.length === 0) this.stacks.delete(path);
    return { before };
  }
}
