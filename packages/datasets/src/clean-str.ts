/**
 * Kim (2014) CNN_sentence tokenisation: a reimplementation of `clean_str` from process_data.py
 * (https://github.com/yoonkim/CNN_sentence). `natural` has no tokenizer with these rules (its WordPunctTokenizer
 * splits "n't" into "n", "'", "t", its TreebankWordTokenizer splits contractions differently and neither lowercases
 * nor rewrites brackets), so the thirteen substitutions are reimplemented here one for one; only the final
 * whitespace split (Python's `str.split()`) uses natural's RegexpTokenizer.
 *
 * Quirks kept on purpose, because the published vocabulary size (18,765) and maximum length (56) depend on them:
 * - Python's `re.sub` keeps the backslash of an unknown escape in the replacement, so "(" becomes the token "\(",
 *   ")" becomes "\)", "?" becomes "\?", and the contraction rules emit "\'s", "\'ve", "n\'t", "\'re", "\'d", "\'ll"
 *   (backslash included).
 * - Every character outside [A-Za-z0-9(),!?'`] becomes a space (one space per byte: Kim read the files as bytes;
 *   with Windows-1252 decoding one byte is one character, so the result is the same).
 * - "." and "-" and '"' vanish; "'" survives except in the contraction rules; lowercasing happens last.
 */
// natural's package root pulls in every module (seconds of start-up); the tokenizers index is light.
import { RegexpTokenizer } from 'natural/lib/natural/tokenizers/index.js';

const SUBSTITUTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[^A-Za-z0-9(),!?'`]/g, ' '],
  [/'s/g, " \\'s"],
  [/'ve/g, " \\'ve"],
  [/n't/g, " n\\'t"],
  [/'re/g, " \\'re"],
  [/'d/g, " \\'d"],
  [/'ll/g, " \\'ll"],
  [/,/g, ' , '],
  [/!/g, ' ! '],
  [/\(/g, ' \\( '],
  [/\)/g, ' \\) '],
  [/\?/g, ' \\? '],
  // Python's \s (bytes mode) is [ \t\n\r\f\v]; after the first rule only spaces remain.
  [/[ \t\n\r\f\v]{2,}/g, ' '],
];

/** Kim's clean_str (non-TREC branch): substitutions, strip, lowercase. */
export function cleanStr(s: string): string {
  let out = s;
  for (const [pattern, replacement] of SUBSTITUTIONS) out = out.replace(pattern, replacement);
  return out.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '').toLowerCase();
}

const whitespace = new RegexpTokenizer({ pattern: /[ \t\n\r\f\v]+/ });

/** Tokens of a sentence: cleanStr then a whitespace split (empty input gives no tokens). */
export function tokenize(s: string): string[] {
  const cleaned = cleanStr(s);
  return cleaned === '' ? [] : whitespace.tokenize(cleaned);
}
