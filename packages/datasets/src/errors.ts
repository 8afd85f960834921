/**
 * Error raised for every problem with a dataset file, directory or download.
 * `file` names the offending file (or URL / directory); `line` is 1-based when known.
 */
export class DatasetError extends Error {
  readonly file: string;
  readonly line?: number;
  /** The message without the "file:line: " prefix. */
  readonly detail: string;

  constructor(file: string, message: string, line?: number, options?: { cause?: unknown }) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`, options);
    this.name = 'DatasetError';
    this.file = file;
    this.detail = message;
    if (line !== undefined) this.line = line;
  }
}
