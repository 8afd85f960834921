import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors.ts';
import { parseDelimitedSeries, parseTsFile } from './ucr-parse.ts';

function failure(fn: () => unknown): DatasetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

describe('2015 layout (comma separated, label first)', () => {
  it('reads labels, values and line numbers (CRLF and blank lines at the end allowed)', () => {
    const p = parseDelimitedSeries('1,0.5,-1.5e-1\r\n2, 2 ,3\r\n\r\n \n', 'X_TRAIN', 'ucr2015');
    expect(p.labels).toEqual(['1', '2']);
    expect(Array.from(p.series[0])).toEqual([0.5, -0.15]);
    expect(Array.from(p.series[1])).toEqual([2, 3]);
    expect(p.lines).toEqual([1, 2]);
  });

  it('rejects a blank line between data rows, naming file and line', () => {
    const e = failure(() => parseDelimitedSeries('1,0.5,1\n2,1,2\n\r\n3,1,2\n', 'Adiac_TRAIN', 'ucr2015'));
    expect(e.message).toBe('Adiac_TRAIN:3: blank line between data rows (a lost row, or a hand-edited file?)');
    expect(failure(() => parseDelimitedSeries('1\t1\n  \n2\t2\n', 'X.tsv', 'ucr2018')).line).toBe(2);
  });

  it('accepts integer class labels however written (1, -1, 99, 1.0000000e+00) and refuses 1.5', () => {
    const p = parseDelimitedSeries('1,0\n-1,0\n99,0\n1.0000000e+00,0\n', 'F', 'ucr2015');
    expect(p.labels).toEqual(['1', '-1', '99', '1.0000000e+00']);
    const e = failure(() => parseDelimitedSeries('1,0\n1.5,0\n', 'Adiac_TRAIN', 'ucr2015'));
    expect(e.message).toBe('Adiac_TRAIN:2: class label "1.5" is not an integer (UCR labels are class numbers)');
  });

  it('rejects a truncated row with file and line', () => {
    const e = failure(() => parseDelimitedSeries('1,1,2,3\n2,1,2,3\n3,1,2', 'X_TRAIN', 'ucr2015'));
    expect(e.file).toBe('X_TRAIN');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^X_TRAIN:3: row has 2 values but line 1 has 3 \(truncated or ragged row\)/);
  });

  it('rejects a longer (ragged) row', () => {
    const e = failure(() => parseDelimitedSeries('1,1,2\n2,1,2,3\n', 'X_TEST', 'ucr2015'));
    expect(e.line).toBe(2);
    expect(e.message).toContain('ragged');
  });

  it('rejects a label-only row', () => {
    expect(failure(() => parseDelimitedSeries('1,1,2\n2\n', 'F', 'ucr2015')).line).toBe(2);
  });

  it('rejects non-numeric and empty values, naming the column', () => {
    const e = failure(() => parseDelimitedSeries('1,1,2\n1,1,abc\n', 'F', 'ucr2015'));
    expect(e.line).toBe(2);
    expect(e.message).toContain('value 2 is "abc", not a number');
    expect(failure(() => parseDelimitedSeries('1,1,,3\n', 'F', 'ucr2015')).message).toContain(
      'value 2 is an empty field',
    );
    expect(failure(() => parseDelimitedSeries('1,1,NaN\n', 'F', 'ucr2015')).message).toContain('"NaN", not a number');
  });

  it('rejects a non-numeric class label', () => {
    const e = failure(() => parseDelimitedSeries('1,1,2\nfoo,1,2\n', 'F', 'ucr2015'));
    expect(e.line).toBe(2);
    expect(e.message).toContain('class label "foo" is not a number');
  });

  it('rejects an empty file', () => {
    expect(failure(() => parseDelimitedSeries('\n\n', 'EMPTY', 'ucr2015')).message).toBe(
      'EMPTY: file is empty (no data rows)',
    );
  });
});

describe('2018 layout (tab separated, NaN padding)', () => {
  it('keeps NaN padding as NaN', () => {
    const p = parseDelimitedSeries('1\t1\t2\tNaN\n2\t3\tNaN\tNaN\n', 'X_TRAIN.tsv', 'ucr2018');
    expect(p.series.map((v) => Array.from(v))).toEqual([
      [1, 2, Number.NaN],
      [3, Number.NaN, Number.NaN],
    ]);
  });

  it('still rejects ragged rows', () => {
    expect(failure(() => parseDelimitedSeries('1\t1\t2\n2\t3\n', 'F.tsv', 'ucr2018')).line).toBe(2);
  });
});

describe('.txt layout (runs of spaces, scientific notation)', () => {
  it('reads labels and values', () => {
    const p = parseDelimitedSeries(
      '  1.0000000e+00  1.5980000e+00 -2.5000000e-01\n  2.0000000e+00\t3.0e+00  NaN  \n\n',
      'X_TRAIN.txt',
      'txt',
    );
    expect(p.labels).toEqual(['1.0000000e+00', '2.0000000e+00']);
    expect(p.series.map((v) => Array.from(v))).toEqual([
      [1.598, -0.25],
      [3, Number.NaN],
    ]);
    expect(p.lines).toEqual([1, 2]);
  });

  it('reports a short row with its line', () => {
    const e = failure(() => parseDelimitedSeries(' 1 2 3\n 1 2\n', 'X.txt', 'txt'));
    expect(e.line).toBe(2);
    expect(e.message).toContain('truncated or ragged');
  });
});

const TS_HEADER = `# a comment
@problemName Toy
@timeStamps false
@missing true
@univariate true
@equalLength true
@seriesLength 3
@classLabel true a b c
@data
`;

describe('aeon/sktime .ts format', () => {
  it('reads header labels and rows; "?" is a missing value', () => {
    const p = parseTsFile(`${TS_HEADER}1,2,3:b\n4,?,6:a\n\n`, 'Toy_TRAIN.ts');
    expect(p.problemName).toBe('Toy');
    expect(p.declaredLabels).toEqual(['a', 'b', 'c']);
    expect(p.labels).toEqual(['b', 'a']);
    expect(Array.from(p.series[1])).toEqual([4, Number.NaN, 6]);
    expect(p.lines).toEqual([10, 11]);
  });

  it('rejects a label not declared in @classLabel, naming the line', () => {
    const e = failure(() => parseTsFile(`${TS_HEADER}1,2,3:b\n1,2,3:z\n`, 'T.ts'));
    expect(e.line).toBe(11);
    expect(e.message).toContain('class label "z" is not declared');
  });

  it('rejects a row whose length differs from @seriesLength', () => {
    const e = failure(() => parseTsFile(`${TS_HEADER}1,2,3:b\n1,2:a\n`, 'T.ts'));
    expect(e.line).toBe(11);
    expect(e.message).toContain('row has 2 values but @seriesLength 3');
  });

  it('rejects a row without ":label", non-numeric values and multivariate rows', () => {
    expect(failure(() => parseTsFile(`${TS_HEADER}1,2,3\n`, 'T.ts')).message).toContain('missing ":<class label>"');
    expect(failure(() => parseTsFile(`${TS_HEADER}1,x,3:a\n`, 'T.ts')).message).toContain('value 2 is "x"');
    expect(failure(() => parseTsFile(`${TS_HEADER}1,2,3:4,5,6:a\n`, 'T.ts')).message).toContain('only univariate');
  });

  it('rejects files without @data, without rows, or with unsupported headers', () => {
    expect(failure(() => parseTsFile('@problemName X\n@classLabel true 1 2\n', 'T.ts')).message).toContain(
      'no "@data"',
    );
    expect(failure(() => parseTsFile(TS_HEADER, 'T.ts')).message).toContain('no data rows');
    expect(failure(() => parseTsFile('', 'T.ts')).message).toContain('file is empty');
    expect(failure(() => parseTsFile('@univariate false\n@data\n', 'T.ts')).line).toBe(1);
    expect(failure(() => parseTsFile('@classLabel false\n@data\n1,2:3\n', 'T.ts')).message).toContain(
      'no class labels',
    );
  });

  it('allows variable lengths when @equalLength is false', () => {
    const p = parseTsFile('@classLabel true 1 2\n@equalLength false\n@data\n1,2,3:1\n4:2\n', 'V.ts');
    expect(p.series.map((v) => v.length)).toEqual([3, 1]);
  });
});
