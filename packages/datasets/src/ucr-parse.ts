/**
 * Parsers for the three UCR/UEA file layouts. Each returns raw rows (label string + values, NaN for a missing
 * value or padding) with their 1-based line numbers, and fails with a DatasetError naming file and line.
 *
 * - 2015 layout (`NAME_TRAIN`, `NAME_TEST`): comma separated, class label first, equal length, no missing values.
 * - 2018 layout (`NAME_TRAIN.tsv`): tab separated, label first; "NaN" pads variable-length series (and marks the
 *   rare missing value).
 * - aeon/sktime `.ts`: `@keyword` header (`@problemName`, `@classLabel true <labels…>`, `@data`), then one series per
 *   line, values comma separated, ":" before the class label; "?" or "NaN" is a missing value. Univariate only.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { DatasetError } from './errors.ts';

export type UcrFormat = 'ucr2015' | 'ucr2018' | 'ts' | 'txt';

export interface ParsedSeriesFile {
  file: string;
  format: UcrFormat;
  labels: string[];
  /** One array per row; NaN marks padding or a missing value. */
  series: Float64Array[];
  /** 1-based line number of each row in the file. */
  lines: number[];
  /** `.ts` only: labels listed by `@classLabel true …`. */
  declaredLabels?: string[];
  problemName?: string;
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function isNumericLabel(label: string): boolean {
  return NUMBER_RE.test(label);
}

function parseValue(field: string, missing: readonly string[], file: string, line: number, column: number): number {
  const t = field.trim();
  if (NUMBER_RE.test(t)) return Number(t);
  if (missing.includes(t)) return Number.NaN;
  const shown = t === '' ? 'an empty field' : `"${t.length > 40 ? `${t.slice(0, 40)}…` : t}"`;
  throw new DatasetError(file, `value ${column} is ${shown}, not a number`, line);
}

/**
 * 1-based number of the first blank (empty or whitespace-only) line that has data after it, or null. Blank lines at
 * the end of a file are harmless; one inside the data means a row was lost or the file was edited by hand.
 */
export function innerBlankLine(text: string, fromLine = 1): number | null {
  const lines = text.split('\n');
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === '') last--;
  for (let i = fromLine - 1; i < last; i++) if (lines[i].trim() === '') return i + 1;
  return null;
}

function refuseInnerBlankLine(text: string, file: string, fromLine = 1): void {
  const blank = innerBlankLine(text, fromLine);
  if (blank !== null)
    throw new DatasetError(file, 'blank line between data rows (a lost row, or a hand-edited file?)', blank);
}

interface CsvRow {
  record: string[];
  info: { lines: number };
}

function runCsv(text: string, file: string, options: Record<string, unknown>): CsvRow[] {
  try {
    return parse(text, {
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      skip_empty_lines: true,
      quote: false,
      info: true,
      ...options,
    }) as unknown as CsvRow[];
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new DatasetError(file, `cannot parse: ${err.message}`, line, { cause: err });
    }
    throw err;
  }
}

/** 2015 (comma), 2018 (tab) and `.txt` (spaces) layouts: label first, then the values. */
export function parseDelimitedSeries(
  text: string,
  file: string,
  format: 'ucr2015' | 'ucr2018' | 'txt',
): ParsedSeriesFile {
  let delimiter = ',';
  if (format === 'txt') {
    // Runs of blanks separate the fields: trim each line and turn each run into one comma (line numbers unchanged).
    text = text.replace(/^[ \t]+|[ \t]+$/gm, '').replace(/[ \t]+/g, ',');
  } else {
    // 2015 files are comma separated and 2018 files tab separated; accept either in both, decided by the first row.
    const firstLine = /^.*\S.*$/m.exec(text)?.[0] ?? '';
    if (firstLine.includes('\t') && !firstLine.includes(',')) delimiter = '\t';
  }
  const missing = format === 'ucr2015' ? [] : ['NaN', 'nan'];
  refuseInnerBlankLine(text, file);
  const rows = runCsv(text, file, { delimiter });
  const out: ParsedSeriesFile = { file, format, labels: [], series: [], lines: [] };
  let width = -1;
  let widthLine = 0;
  for (const { record, info } of rows) {
    const line = info.lines;
    if (record.length === 1 && record[0].trim() === '') continue; // whitespace-only line
    const label = record[0].trim();
    if (label === '') throw new DatasetError(file, 'class label (first field) is empty', line);
    if (!NUMBER_RE.test(label)) throw new DatasetError(file, `class label "${label}" is not a number`, line);
    // UCR labels are class numbers (written 1, -1 or 1.0000000e+00): 1.5 is a damaged file, not a new class
    if (!Number.isInteger(Number(label)))
      throw new DatasetError(file, `class label "${label}" is not an integer (UCR labels are class numbers)`, line);
    const n = record.length - 1;
    if (n === 0) throw new DatasetError(file, `row has a class label but no values (truncated row)`, line);
    if (width < 0) {
      width = n;
      widthLine = line;
    } else if (n !== width) {
      throw new DatasetError(
        file,
        `row has ${n} values but line ${widthLine} has ${width} (truncated or ragged row)`,
        line,
      );
    }
    const values = new Float64Array(n);
    for (let j = 0; j < n; j++) values[j] = parseValue(record[j + 1], missing, file, line, j + 1);
    out.labels.push(label);
    out.series.push(values);
    out.lines.push(line);
  }
  if (out.series.length === 0) throw new DatasetError(file, 'file is empty (no data rows)');
  return out;
}

/** aeon/sktime `.ts` format, univariate classification problems. */
export function parseTsFile(text: string, file: string): ParsedSeriesFile {
  const lines = text.split('\n');
  const out: ParsedSeriesFile = { file, format: 'ts', labels: [], series: [], lines: [] };
  let classLabel: boolean | undefined;
  let equalLength: boolean | undefined;
  let seriesLength: number | undefined;
  let dataLine = -1;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    const line = i + 1;
    if (t === '' || t.startsWith('#')) continue;
    if (!t.startsWith('@'))
      throw new DatasetError(file, `expected a header line ("@keyword …") or "@data", found "${t.slice(0, 40)}"`, line);
    const words = t.split(/\s+/);
    const key = words[0].toLowerCase();
    const flag = (): boolean => {
      const v = (words[1] ?? '').toLowerCase();
      if (v !== 'true' && v !== 'false')
        throw new DatasetError(file, `${words[0]} must be followed by true or false`, line);
      return v === 'true';
    };
    if (key === '@data') {
      dataLine = line;
      break;
    } else if (key === '@problemname') {
      out.problemName = words.slice(1).join(' ');
    } else if (key === '@timestamps') {
      if (flag()) throw new DatasetError(file, '@timeStamps true is not supported (only plain value lists)', line);
    } else if (key === '@univariate') {
      if (!flag()) throw new DatasetError(file, 'multivariate problems (@univariate false) are not supported', line);
    } else if (key === '@dimensions') {
      if (words[1] !== '1') throw new DatasetError(file, `only univariate problems are supported (${t})`, line);
    } else if (key === '@targetlabel') {
      if (flag()) throw new DatasetError(file, 'regression problems (@targetLabel true) are not supported', line);
    } else if (key === '@equallength') {
      equalLength = flag();
    } else if (key === '@serieslength') {
      if (!/^\d+$/.test(words[1] ?? '')) throw new DatasetError(file, `@seriesLength must be a positive integer`, line);
      seriesLength = Number(words[1]);
    } else if (key === '@classlabel') {
      classLabel = flag();
      if (classLabel) {
        const declared = words.slice(2);
        if (declared.length === 0) throw new DatasetError(file, '@classLabel true must list the class labels', line);
        out.declaredLabels = declared;
      }
    }
  }
  if (dataLine < 0)
    throw new DatasetError(file, lines.join('').trim() === '' ? 'file is empty' : 'no "@data" line found');
  if (classLabel === undefined)
    throw new DatasetError(file, 'missing "@classLabel" header (needed for classification)');
  if (!classLabel) throw new DatasetError(file, '@classLabel false: the file has no class labels to classify');

  const declared = new Set(out.declaredLabels);
  refuseInnerBlankLine(text, file, dataLine + 1);
  const rows = runCsv(text, file, { delimiter: ':', from_line: dataLine + 1 });
  let width = -1;
  let widthLine = 0;
  for (const { record, info } of rows) {
    const line = info.lines;
    if (record.length === 1 && record[0].trim() === '') continue;
    if (record.length === 1)
      throw new DatasetError(file, 'missing ":<class label>" after the values (truncated row?)', line);
    if (record.length > 2)
      throw new DatasetError(file, `found ${record.length - 1} dimensions; only univariate series are supported`, line);
    const label = record[1].trim();
    if (label === '') throw new DatasetError(file, 'class label after ":" is empty', line);
    if (!declared.has(label)) {
      throw new DatasetError(
        file,
        `class label "${label}" is not declared in @classLabel (${[...declared].join(' ')})`,
        line,
      );
    }
    const fields = record[0].split(',');
    if (record[0].trim() === '') throw new DatasetError(file, 'row has a class label but no values', line);
    const values = new Float64Array(fields.length);
    for (let j = 0; j < fields.length; j++) values[j] = parseValue(fields[j], ['?', 'NaN', 'nan'], file, line, j + 1);
    if (equalLength === true || seriesLength !== undefined) {
      const want = seriesLength ?? (width < 0 ? values.length : width);
      if (width < 0) {
        width = want;
        widthLine = line;
      }
      if (values.length !== want) {
        const why = seriesLength !== undefined ? `@seriesLength ${seriesLength}` : `line ${widthLine} has ${width}`;
        throw new DatasetError(file, `row has ${values.length} values but ${why} (truncated or ragged row)`, line);
      }
    }
    out.labels.push(label);
    out.series.push(values);
    out.lines.push(line);
  }
  if (out.series.length === 0) throw new DatasetError(file, 'no data rows after "@data"');
  return out;
}
