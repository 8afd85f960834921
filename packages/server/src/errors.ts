/**
 * API errors in SigOpt's shape: `{ object: "error", status, message }`.
 * Every validation message names the offending field (e.g. `observations[2].values[0].value`).
 */
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 413 | 415 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  object: 'error';
  status: number;
  message: string;
}

export function errorBody(status: number, message: string): ErrorBody {
  return { object: 'error', status, message };
}

/** Formats a zod path (['observations', 2, 'values']) as `observations[2].values`, under `prefix`. */
export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out.length > 0 ? `.${String(key)}` : String(key);
  }
  return out.length > 0 ? out : '(body)';
}

/** 400 error naming the first failing field of a zod error. */
export function zodToApiError(err: z.ZodError, prefix = ''): ApiError {
  const issue = err.issues[0];
  if (!issue) return new ApiError(400, `${prefix || '(body)'}: invalid`);
  let path: PropertyKey[] = [...issue.path];
  // unrecognized_keys issues name the keys themselves
  if (issue.code === 'unrecognized_keys' && 'keys' in issue && Array.isArray(issue.keys) && issue.keys.length > 0) {
    path = [...path, issue.keys[0]];
    return new ApiError(400, `${fieldPath(path, prefix)}: unknown field`);
  }
  return new ApiError(400, `${fieldPath(path, prefix)}: ${issue.message}`);
}

/**
 * Message for an optimizer error carrying `field` (whose message is usually `${field}: text`),
 * re-rooted under `prefix` (e.g. `observations[2]`) so batch errors name the full path.
 */
export function prefixedMessage(field: string | undefined, message: string, prefix = ''): string {
  const f = field ?? '';
  const rest = f && message.startsWith(`${f}: `) ? message.slice(f.length + 2) : message;
  const full = prefix ? (f ? (f.startsWith('[') ? prefix + f : `${prefix}.${f}`) : prefix) : f;
  return full ? `${full}: ${rest}` : rest;
}
