import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors.ts';
import { archiveKind, extractArchive } from './extract-archive.ts';

function zipWith(files: Record<string, string>, path: string): string {
  const zip = new AdmZip();
  for (const [name, text] of Object.entries(files)) zip.addFile(name, Buffer.from(text));
  zip.writeZip(path);
  return path;
}

describe('extractArchive', () => {
  it('reuses an extraction stamped with the same sha256 and replaces one from another archive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-extract-'));
    const dest = join(dir, 'out');
    const a = zipWith({ 'data.txt': 'first' }, join(dir, 'a.zip'));
    const b = zipWith({ 'data.txt': 'second', 'extra.txt': 'x' }, join(dir, 'b.zip'));
    const messages: string[] = [];
    await extractArchive(a, 'a'.repeat(64), dest, (m) => messages.push(m));
    expect(readFileSync(join(dest, 'data.txt'), 'utf8')).toBe('first');
    await extractArchive(a, 'a'.repeat(64), dest, (m) => messages.push(m));
    expect(messages.filter((m) => m.startsWith('extracting'))).toHaveLength(1); // second call reused it
    await extractArchive(b, 'b'.repeat(64), dest);
    expect(readFileSync(join(dest, 'data.txt'), 'utf8')).toBe('second');
    expect(readdirSync(dir).sort()).toEqual(['a.zip', 'b.zip', 'out']); // no temp or stale directories left
  });

  it('rejects unknown archive types and empty archives', async () => {
    expect(() => archiveKind('data.rar')).toThrow(DatasetError);
    expect(archiveKind('X.TGZ')).toBe('tar.gz');
    const dir = mkdtempSync(join(tmpdir(), 'pb-extract-'));
    const empty = join(dir, 'empty.zip');
    writeFileSync(empty, new AdmZip().toBuffer());
    await expect(extractArchive(empty, 'c'.repeat(64), join(dir, 'out'))).rejects.toThrow(/cannot extract zip archive/);
    expect(readdirSync(dir)).toEqual(['empty.zip']);
  });
});
