/**
 * Append-only trial journal (JSON lines). A trial counts only once its line is written and fsync'ed.
 *
 * Crash safety: a kill -9 can leave at most one partial last line; opening the journal drops it (and truncates the
 * file back to the last complete line) so the run resumes from the last trial that was fully recorded.
 * Any other malformed line is an error naming the file and line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { JournalHeaderSchema, TrialRecordSchema, type JournalHeader, type TrialRecord } from './records.ts';
import { describeZodIssues } from '../zod-issues.ts';

export class JournalError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = 'JournalError';
  }
}

export interface JournalContents {
  header: JournalHeader | null;
  trials: TrialRecord[];
  /** Bytes of the file that hold complete lines (a torn tail beyond this is discarded). */
  validBytes: number;
  droppedPartialLine: boolean;
}

/** Parse a journal file (missing file => empty journal). */
export function readJournal(file: string): JournalContents {
  if (!fs.existsSync(file)) return { header: null, trials: [], validBytes: 0, droppedPartialLine: false };
  const buf = fs.readFileSync(file);
  const lastNewline = buf.lastIndexOf(0x0a);
  const validBytes = lastNewline + 1;
  const droppedPartialLine = validBytes < buf.length;
  const text = buf.subarray(0, validBytes).toString('utf8');
  const lines = text.split('\n');
  lines.pop(); // text ends with "\n" (or is empty)
  let header: JournalHeader | null = null;
  const trials: TrialRecord[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new JournalError('line is not valid JSON', file, lineNo);
    }
    if (i === 0) {
      const parsed = JournalHeaderSchema.safeParse(json);
      if (!parsed.success) throw new JournalError(`bad header: ${describeZodIssues(parsed.error)}`, file, lineNo);
      header = parsed.data;
      return;
    }
    const parsed = TrialRecordSchema.safeParse(json);
    if (!parsed.success) throw new JournalError(`bad trial record: ${describeZodIssues(parsed.error)}`, file, lineNo);
    const key = `${parsed.data.method}#${parsed.data.index}`;
    if (seen.has(key)) throw new JournalError(`duplicate trial ${key}`, file, lineNo);
    seen.add(key);
    trials.push(parsed.data);
  });
  return { header, trials, validBytes, droppedPartialLine };
}

/** An open journal for appending. */
export class Journal {
  private fd: number;

  private constructor(
    readonly file: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /**
   * Open (creating if needed) the journal; discards a torn last line. If the file has no header yet, writes `header`.
   * Returns the journal and the records already present.
   */
  static open(file: string, header: JournalHeader): { journal: Journal; existing: JournalContents } {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const existing = readJournal(file);
    if (existing.droppedPartialLine) fs.truncateSync(file, existing.validBytes);
    const fd = fs.openSync(file, 'a');
    const journal = new Journal(file, fd);
    if (existing.header === null) {
      journal.appendLine(header);
      existing.header = header;
    }
    fs.fsyncSync(fd);
    return { journal, existing };
  }

  append(record: TrialRecord): void {
    this.appendLine(TrialRecordSchema.parse(record));
  }

  private appendLine(obj: unknown): void {
    fs.writeSync(this.fd, JSON.stringify(obj) + '\n');
    fs.fsyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Fields in which an existing journal's header differs from the run being started (empty: compatible). */
export function headerMismatches(existing: JournalHeader, wanted: JournalHeader): string[] {
  const out: string[] = [];
  if (existing.study !== wanted.study)
    out.push(`study: journal has ${existing.study}, command asks for ${wanted.study}`);
  if (existing.seed !== wanted.seed) out.push(`seed: journal has ${existing.seed}, command asks for ${wanted.seed}`);
  if (existing.optimizer !== wanted.optimizer) {
    out.push(`optimizer: journal has ${existing.optimizer}, command asks for ${wanted.optimizer}`);
  }
  const a = existing.preset as Record<string, unknown>;
  const b = wanted.preset as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (key === 'scope') continue; // prose (what the preset can show), not a setting: see studyFingerprint
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
      out.push(`preset.${key}: journal has ${JSON.stringify(a[key])}, command asks for ${JSON.stringify(b[key])}`);
    }
  }
  if (out.length === 0 && existing.fingerprint !== wanted.fingerprint) {
    out.push(
      `fingerprint: journal ${existing.fingerprint.slice(0, 12)}, command ${wanted.fingerprint.slice(0, 12)} (study space changed)`,
    );
  }
  return out;
}
