import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, JournalError, headerMismatches, readJournal } from './journal.ts';
import { studyFingerprint } from '../runner/run-study.ts';
import DIATOM from '../studies/diatom/index.ts';
import { getPreset } from '../studies/presets.ts';
import { header, record } from '../../test/fixtures.ts';

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'journal-')), 'trials.jsonl');

describe('Journal', () => {
  it('writes the header once and reads back appended trials in order', () => {
    const file = tmp();
    const { journal, existing } = Journal.open(file, header());
    expect(existing.trials).toEqual([]);
    journal.append(record('optimizer', 0, { accuracy: 0.5, time: 0.1 }));
    journal.append(record('random', 0, null));
    journal.close();
    const again = Journal.open(file, header({ created_at: 'later' }));
    again.journal.close();
    expect(again.existing.header?.created_at).toBe('2026-11-26T00:00:00.000Z');
    expect(again.existing.trials.map((t) => `${t.method}#${t.index}`)).toEqual(['optimizer#0', 'random#0']);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('drops a torn last line (kill -9 mid-write) and truncates the file back to it', () => {
    const file = tmp();
    const { journal } = Journal.open(file, header());
    journal.append(record('random', 0, { accuracy: 0.5, time: 0.1 }));
    journal.close();
    const good = fs.statSync(file).size;
    fs.appendFileSync(file, '{"type":"trial","method":"rand');
    const read = readJournal(file);
    expect(read.droppedPartialLine).toBe(true);
    expect(read.trials).toHaveLength(1);
    const { journal: j2 } = Journal.open(file, header());
    j2.append(record('random', 1, { accuracy: 0.6, time: 0.1 }));
    j2.close();
    expect(fs.statSync(file).size).toBeGreaterThan(good);
    expect(readJournal(file).trials.map((t) => t.index)).toEqual([0, 1]);
  });

  it('rejects a malformed complete line naming file and line', () => {
    const file = tmp();
    const { journal } = Journal.open(file, header());
    journal.append(record('random', 0, { accuracy: 0.5, time: 0.1 }));
    journal.close();
    fs.appendFileSync(file, '{"type":"trial","method":"bogus"}\n');
    expect(() => readJournal(file)).toThrow(JournalError);
    expect(() => readJournal(file)).toThrow(/trials\.jsonl:3: bad trial record: method/);
    fs.writeFileSync(file, 'not json\n');
    expect(() => readJournal(file)).toThrow(/:1: line is not valid JSON/);
  });

  it('rejects a trial recorded twice', () => {
    const file = tmp();
    const { journal } = Journal.open(file, header());
    journal.append(record('random', 4, { accuracy: 0.5, time: 0.1 }));
    journal.append(record('random', 4, { accuracy: 0.5, time: 0.1 }));
    journal.close();
    expect(() => readJournal(file)).toThrow(/:3: duplicate trial random#4/);
  });

  it('lists every field where a journal and a command disagree', () => {
    const a = header();
    expect(headerMismatches(a, header({ created_at: 'x', lag: 5 }))).toEqual([]);
    const b = header({ seed: 3, preset: getPreset(DIATOM, 'default') });
    const diff = headerMismatches(a, b);
    expect(diff).toContain('seed: journal has 0, command asks for 3');
    expect(diff.some((d) => d.startsWith('preset.name: journal has "smoke"'))).toBe(true);
    expect(diff.some((d) => d.startsWith('preset.budgets:'))).toBe(true);
    expect(headerMismatches(a, header({ fingerprint: 'zzz' }))[0]).toMatch(/^fingerprint/);
    expect(diff.some((d) => d.startsWith('preset.scope'))).toBe(false);
  });

  it('does not tell a reworded preset description from the preset: neither the header check nor the fingerprint', () => {
    const preset = getPreset(DIATOM, 'default');
    const reworded = { ...preset, scope: 'What this preset can show, said again.' };
    expect(headerMismatches(header({ preset }), header({ preset: reworded }))).toEqual([]);
    expect(studyFingerprint(DIATOM, reworded, 0)).toBe(studyFingerprint(DIATOM, preset, 0));
    expect(studyFingerprint(DIATOM, { ...preset, fixedEpochs: 9 }, 0)).not.toBe(studyFingerprint(DIATOM, preset, 0));
  });
});
