/**
 * API tokens. A token is `<id>.<secret>`: the id (16 hex chars) locates the row, the secret
 * (32 random bytes, base64url) is stored only as sha256(salt || secret) with a per-token 16-byte
 * salt. A fast hash is adequate because the secret has 256 bits of entropy (nothing to brute-force),
 * and it keeps authentication cheap on every request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './database.ts';

export interface TokenRecord {
  id: string;
  name: string | null;
  created: number;
}

const TOKEN_PATTERN = /^([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

function hashSecret(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}

/** Creates a token, stores its salted hash and returns the clear-text token (shown once). */
export function createToken(db: Db, name?: string): { token: string; record: TokenRecord } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  const created = Math.floor(Date.now() / 1000);
  db.prepare('INSERT INTO tokens (id, name, salt, hash, created) VALUES (?, ?, ?, ?, ?)').run(
    id,
    name ?? null,
    salt.toString('hex'),
    hashSecret(salt, secret).toString('hex'),
    created,
  );
  return { token: `${id}.${secret}`, record: { id, name: name ?? null, created } };
}

/** Returns the token's id when `token` is a valid, unrevoked token; otherwise null. */
export function verifyToken(db: Db, token: string): string | null {
  const m = TOKEN_PATTERN.exec(token);
  if (!m) return null;
  const row = db.prepare('SELECT salt, hash, revoked FROM tokens WHERE id = ?').get(m[1]) as
    { salt: string; hash: string; revoked: number } | undefined;
  if (!row || row.revoked) return null;
  const expected = Buffer.from(row.hash, 'hex');
  const actual = hashSecret(Buffer.from(row.salt, 'hex'), m[2]);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? m[1] : null;
}

/** A token's name and creation time by id (the AI module names the client after it). */
export function tokenRecord(db: Db, id: string): { name: string | null; created: number } | undefined {
  return db.prepare('SELECT name, created FROM tokens WHERE id = ?').get(id) as
    { name: string | null; created: number } | undefined;
}

export function listTokens(db: Db): (TokenRecord & { revoked: boolean })[] {
  const rows = db.prepare('SELECT id, name, created, revoked FROM tokens ORDER BY created, id').all() as {
    id: string;
    name: string | null;
    created: number;
    revoked: number;
  }[];
  return rows.map((r) => ({ id: r.id, name: r.name, created: r.created, revoked: r.revoked !== 0 }));
}

/** Revokes by token id (the part before the dot); returns whether a token was revoked. */
export function revokeToken(db: Db, id: string): boolean {
  return db.prepare('UPDATE tokens SET revoked = 1 WHERE id = ? AND revoked = 0').run(id).changes > 0;
}

/** Parses an HTTP `Authorization: Basic base64(token:)` header into the token (the user name). */
export function tokenFromBasicAuth(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon >= 0 ? decoded.slice(0, colon) : decoded;
  return user.length > 0 ? user : null;
}
