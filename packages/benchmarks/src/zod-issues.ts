import type { z } from 'zod';

/**
 * The package's one rendering of a zod validation failure: every issue as `path: message`, naming the field it is
 * about (`(root)` for the value itself), joined by '; '. `prefix` goes before each path ('--' for CLI flags).
 */
export function describeZodIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? prefix + i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
