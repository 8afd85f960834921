import { describe, expect, it } from 'vitest';
import { decodeWindows1252 } from './windows-1252.ts';

describe('decodeWindows1252', () => {
  it('maps 0x80-0x9F to the WHATWG windows-1252 code points', () => {
    const bytes = Uint8Array.from([0x80, 0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x99, 0x81, 0x9f]);
    expect(decodeWindows1252(bytes)).toBe('\u20ac\u2026\u2018\u2019\u201c\u201d\u2013\u2014\u2122\u0081\u0178');
  });

  it('equals ISO-8859-1 (latin1) for every byte outside 0x80-0x9F', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i).filter((b) => b < 0x80 || b > 0x9f);
    expect(decodeWindows1252(bytes)).toBe(Buffer.from(bytes).toString('latin1'));
  });

  it('decodes one character per byte across chunk boundaries', () => {
    const bytes = new Uint8Array(20000).map((_, i) => (i % 3 === 0 ? 0x93 : 0x61));
    const s = decodeWindows1252(bytes);
    expect(s.length).toBe(20000);
    expect(s[19998]).toBe('\u201c');
    expect(s[19999]).toBe('a');
  });
});
