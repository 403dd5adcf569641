import type { z } from 'zod';

/**
 * One line per zod issue, `path: message`, so an error names the bad field.
 * `root` prefixes every path (e.g. "args").
 */
export function formatZodIssues(error: z.ZodError, root = ''): string {
  return error.issues
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
