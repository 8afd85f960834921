import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalHeaderSchema } from '../journal/records.ts';
import { WorkerInitSchema } from '../runner/protocol.ts';
import { PRESET_NAMES, getPreset } from './presets.ts';
import { STUDIES_DIR_ENV, StudyNameSchema, getStudy, studyNames } from './registry.ts';
import { header } from '../../test/fixtures.ts';

const SRC = path.resolve(import.meta.dirname, '..');
const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/studies');
const TOY = path.join(FIXTURES, 'toy', 'index.ts');

const saved = process.env[STUDIES_DIR_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[STUDIES_DIR_ENV];
  else process.env[STUDIES_DIR_ENV] = saved;
});

/** A folder of studies: name -> source of its index.ts (null: a folder without index.ts). */
function studiesDir(studies: Record<string, string | null>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-studies-'));
  for (const [name, source] of Object.entries(studies)) {
    fs.mkdirSync(path.join(dir, name));
    if (source !== null) fs.writeFileSync(path.join(dir, name, 'index.ts'), source);
    else fs.writeFileSync(path.join(dir, name, 'notes.md'), 'not a study\n');
  }
  return dir;
}

describe('study registry', () => {
  it('finds the folders of src/studies/ with an index.ts: diatom and rotten', () => {
    delete process.env[STUDIES_DIR_ENV];
    expect(studyNames()).toEqual(['diatom', 'rotten']);
  });

  it('loads every study, each satisfying the interface with its three presets', async () => {
    for (const name of studyNames()) {
      const study = await getStudy(name);
      expect(study.name).toBe(name);
      expect(await getStudy(name)).toBe(study); // imported once
      for (const p of PRESET_NAMES) expect(getPreset(study, p).name).toBe(p);
    }
  });

  it('adds the studies of PARETOBENCH_STUDIES_DIR; every schema of a study name accepts them', async () => {
    process.env[STUDIES_DIR_ENV] = FIXTURES;
    expect(studyNames()).toEqual(['diatom', 'rotten', 'toy']);
    const toy = await getStudy('toy');
    expect(toy.title).toMatch(/^Toy/);
    expect(JournalHeaderSchema.parse(header({ study: 'toy', preset: getPreset(toy, 'smoke') })).study).toBe('toy');
    const init = { type: 'init', worker: 0, study: 'toy', preset: getPreset(toy, 'smoke'), seed: 0 };
    expect(WorkerInitSchema.parse({ ...init, dataDir: null, trainer: 'fake', backend: 'cpu' }).study).toBe('toy');
  });

  it('refuses an unknown name, listing the known studies', async () => {
    process.env[STUDIES_DIR_ENV] = FIXTURES;
    await expect(getStudy('nope')).rejects.toThrow('unknown study "nope": expected one of diatom, rotten, toy');
    const r = StudyNameSchema.safeParse('nope');
    expect(r.success ? null : r.error.issues[0].message).toBe(
      'Invalid option: expected one of "diatom"|"rotten"|"toy"',
    );
    delete process.env[STUDIES_DIR_ENV];
    expect(StudyNameSchema.safeParse('toy').success).toBe(false);
  });

  it('skips folders without index.ts; two studies of one name are an error naming both folders', () => {
    process.env[STUDIES_DIR_ENV] = studiesDir({ notes: null, Upper: 'export default {};\n' });
    expect(studyNames()).toEqual(['diatom', 'rotten']);
    const twice = studiesDir({ rotten: 'export default {};\n' });
    process.env[STUDIES_DIR_ENV] = twice;
    expect(() => studyNames()).toThrow(
      `study "rotten" is defined twice: ${path.join(SRC, 'studies', 'rotten')} and ${path.join(twice, 'rotten')}`,
    );
  });

  it('names the file and the fields of a module that is not a study, or whose name is not its folder', async () => {
    const dir = studiesDir({
      broken: "export default { name: 'broken', title: 3 };\n",
      renamed: `import toy from ${JSON.stringify(TOY)};\nexport default { ...toy, name: 'toy' };\n`,
    });
    process.env[STUDIES_DIR_ENV] = dir;
    const broken = path.join(dir, 'broken', 'index.ts');
    await expect(getStudy('broken')).rejects.toThrow(`${broken}: the default export is not a study (title: `);
    await expect(getStudy('broken')).rejects.toThrow(/createTrainer: must be a function/);
    await expect(getStudy('renamed')).rejects.toThrow(
      `${path.join(dir, 'renamed', 'index.ts')}: its name is "toy", its folder "renamed"`,
    );
  });

  it('no source outside a study folder names a study', () => {
    delete process.env[STUDIES_DIR_ENV];
    const names = studyNames();
    const files = (fs.readdirSync(SRC, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .filter((f) => !names.some((n) => f.startsWith(path.join('studies', n) + path.sep)));
    expect(files).toContain(path.join('runner', 'run-study.ts'));
    const quoted = new RegExp(`['"\`](${names.join('|')})['"\`]`);
    const offenders = files.filter((f) => quoted.test(fs.readFileSync(path.join(SRC, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
