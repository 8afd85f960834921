/**
 * Errors thrown at the optimizer's boundaries. Each names the offending field with a
 * path such as `parameters[3].bounds.min` or `values[0].value`, so callers (the REST
 * server, CLIs) can point the user at exactly what is wrong.
 */
export class SpaceError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'SpaceError';
    this.field = field;
  }
}

export class ObservationError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'ObservationError';
    this.field = field;
  }
}

/** Formats a zod issue path (['parameters', 3, 'bounds', 'min']) as `parameters[3].bounds.min`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
