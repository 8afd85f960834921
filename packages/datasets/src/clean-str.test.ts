import { describe, expect, it } from 'vitest';
import { cleanStr, tokenize } from './clean-str.ts';
import { decodeWindows1252 } from './windows-1252.ts';

// Expected strings are the output of Kim's clean_str (CNN_sentence/process_data.py) run under Python on the same
// bytes; in Python's re.sub an unknown escape such as "\(" or "\'" keeps its backslash, hence the "\(" tokens.
const KIM_OUTPUTS: Array<[string, string]> = [
  ["it's (great)? don't, we'll!", "it \\'s \\( great \\) \\? do n\\'t , we \\'ll !"],
  [
    'The Rock is destined to be the 21st Century\'s new " Conan " .',
    "the rock is destined to be the 21st century \\'s new conan",
  ],
  ["I'd've thought they're   `cool`... NOT!!", "i \\'d \\'ve thought they \\'re `cool` not ! !"],
  ["isn't it?(yes)", "is n\\'t it \\? \\( yes \\)"],
  ['  \tTabs\r\n', 'tabs'],
  ["you'll 'sup 'd 're 've n't", "you \\'ll \\'sup \\'d \\'re \\'ve n\\'t"],
];

describe('cleanStr (Kim 2014 clean_str)', () => {
  it.each(KIM_OUTPUTS)('%j', (input, expected) => {
    expect(cleanStr(input)).toBe(expected);
  });

  it('turns every non-ASCII character (one per Windows-1252 byte) into a space', () => {
    const text = decodeWindows1252(Uint8Array.from(Buffer.from('caf\xe9 na\xefve \x93quoted\x94 -- done', 'latin1')));
    expect(cleanStr(text)).toBe('caf na ve quoted done');
  });

  it('keeps the backslash-escaped bracket and question-mark tokens', () => {
    expect(tokenize('(why?)')).toEqual(['\\(', 'why', '\\?', '\\)']);
  });
});

describe('tokenize', () => {
  it('splits the cleaned string on whitespace', () => {
    expect(tokenize("It's a  dog's life, isn't it?")).toEqual([
      'it',
      "\\'s",
      'a',
      'dog',
      "\\'s",
      'life',
      ',',
      'is',
      "n\\'t",
      'it',
      '\\?',
    ]);
  });

  it('gives no tokens for empty or punctuation-only input', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' . - " ')).toEqual([]);
  });
});
