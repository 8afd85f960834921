/**
 * API tokens. A token is `<id>.<secret>`: the id (16 hex chars) locates the row, the secret
 * (32 random bytes, base64url) is stored only as sha256(salt || secret) with a per-token 16-byte
 * salt. A fast hash is adequate because the secret has 256 bits of entropy (nothing to brute-force),
 * and it keeps authentication cheap on every request.
 *
 * Every token belongs to a client (a team, SigOpt's client) and a user; a client belongs to an organization. The
 * tokens of one client see and change the same experiments, projects and runs; those of other clients get 404.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SqlConnection, Storage } from './storage/storage.ts';

export interface TokenRecord {
  id: string;
  name: string | null;
  created: number;
  /** the client whose experiments, projects and runs the token sees and changes */
  client: string;
  /** the user the token acts as (experiments and runs record it) */
  user: string;
}

/** Who sends a request: the token's id, its client and its user (app.ts resolves it once per request). */
export interface Caller {
  token: string;
  client: string;
  user: string;
}

export interface CreateTokenOptions {
  /** an existing client (its id) the token joins; without it a new client (and organization) is made for the token */
  client?: string;
  /** the user of that name in the client's organization (made if there is none); without it a new user */
  user?: string;
}

/** An organization, a client or a user that a command names and that does not exist. */
export class NotFoundError extends Error {}

const TOKEN_PATTERN = /^([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

function hashSecret(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Creates a token, stores its salted hash and returns the clear-text token (shown once). Without `opts.client` the
 * token is a client of its own, as every token was before clients existed: a new organization, client and user whose
 * ids are the token's id, named `name`. With it the token joins that client (and so sees its experiments). Its user is
 * the one named `opts.user` in the client's organization (made if missing), else a new one with the token's id.
 */
export function createToken(
  storage: Storage,
  name?: string,
  opts: CreateTokenOptions = {},
): Promise<{ token: string; record: TokenRecord }> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  const created = nowSeconds();
  const label = name ?? null;
  return storage.write(async (c) => {
    let organization: string;
    let client: string;
    if (opts.client === undefined) {
      organization = client = id;
      await c.run('INSERT INTO organizations (id, name, created) VALUES (?, ?, ?)', [id, label, created]);
      await c.run('INSERT INTO clients (id, organization, name, created) VALUES (?, ?, ?, ?)', [
        id,
        id,
        label,
        created,
      ]);
    } else {
      const found = await clientRecord(c, opts.client);
      if (!found) throw new NotFoundError(`no client with id ${JSON.stringify(opts.client)}`);
      organization = found.organization;
      client = found.id;
    }
    let user: string | undefined;
    if (opts.user !== undefined) {
      const u = await c.get<{ id: string }>(
        'SELECT id FROM users WHERE organization = ? AND name = ? ORDER BY created, id LIMIT 1',
        [organization, opts.user],
      );
      user = u?.id;
    }
    if (user === undefined) {
      user = id;
      await c.run('INSERT INTO users (id, organization, name, created) VALUES (?, ?, ?, ?)', [
        id,
        organization,
        opts.user ?? label,
        created,
      ]);
    }
    await c.run('INSERT INTO tokens (id, name, salt, hash, created, client_id, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      id,
      label,
      salt.toString('hex'),
      hashSecret(salt, secret).toString('hex'),
      created,
      client,
      user,
    ]);
    return { token: `${id}.${secret}`, record: { id, name: label, created, client, user } };
  });
}

/**
 * Creates a client in `opts.organization` (an existing organization's id), or in a new organization of the same name
 * and id; returns the client's id (random, 16 hex characters, like a token's).
 */
export function createClient(
  storage: Storage,
  opts: { name?: string; organization?: string } = {},
): Promise<ClientRecord> {
  const id = randomBytes(8).toString('hex');
  const created = nowSeconds();
  const name = opts.name ?? null;
  return storage.write(async (c) => {
    let organization = opts.organization;
    if (organization === undefined) {
      organization = id;
      await c.run('INSERT INTO organizations (id, name, created) VALUES (?, ?, ?)', [id, name, created]);
    } else if (!(await organizationRecord(c, organization))) {
      throw new NotFoundError(`no organization with id ${JSON.stringify(organization)}`);
    }
    await c.run('INSERT INTO clients (id, organization, name, created) VALUES (?, ?, ?, ?)', [
      id,
      organization,
      name,
      created,
    ]);
    return { id, organization, name, created };
  });
}

export interface ClientRecord {
  id: string;
  organization: string;
  name: string | null;
  created: number;
}

export interface OrganizationRecord {
  id: string;
  name: string | null;
  created: number;
}

/** The client, read on the caller's connection (a transaction or snapshot). */
export function clientRecord(c: SqlConnection, id: string): Promise<ClientRecord | undefined> {
  return c.get<ClientRecord>('SELECT id, organization, name, created FROM clients WHERE id = ?', [id]);
}

/** The organization, read on the caller's connection. */
export function organizationRecord(c: SqlConnection, id: string): Promise<OrganizationRecord | undefined> {
  return c.get<OrganizationRecord>('SELECT id, name, created FROM organizations WHERE id = ?', [id]);
}

export function listClients(storage: Storage): Promise<ClientRecord[]> {
  return storage.read((c) =>
    c.all<ClientRecord>('SELECT id, organization, name, created FROM clients ORDER BY created, id'),
  );
}

/** The token's id, client and user when `token` is a valid, unrevoked token; otherwise null. */
export async function authenticate(storage: Storage, token: string): Promise<Caller | null> {
  const m = TOKEN_PATTERN.exec(token);
  if (!m) return null;
  const row = await storage.readRow<{
    salt: string;
    hash: string;
    revoked: number;
    client_id: string;
    user_id: string;
  }>('SELECT salt, hash, revoked, client_id, user_id FROM tokens WHERE id = ?', [m[1]]);
  if (!row || row.revoked) return null;
  const expected = Buffer.from(row.hash, 'hex');
  const actual = hashSecret(Buffer.from(row.salt, 'hex'), m[2]);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return { token: m[1], client: row.client_id, user: row.user_id };
}

/** Returns the token's id when `token` is a valid, unrevoked token; otherwise null. */
export async function verifyToken(storage: Storage, token: string): Promise<string | null> {
  return (await authenticate(storage, token))?.token ?? null;
}

export async function listTokens(
  storage: Storage,
): Promise<(TokenRecord & { revoked: boolean; user_name: string | null })[]> {
  const rows = await storage.read((c) =>
    c.all<{
      id: string;
      name: string | null;
      created: number;
      revoked: number;
      client_id: string;
      user_id: string;
      user_name: string | null;
    }>(
      `SELECT t.id, t.name, t.created, t.revoked, t.client_id, t.user_id, u.name AS user_name
       FROM tokens t LEFT JOIN users u ON u.id = t.user_id ORDER BY t.created, t.id`,
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    created: r.created,
    client: r.client_id,
    user: r.user_id,
    user_name: r.user_name,
    revoked: r.revoked !== 0,
  }));
}

/** Revokes by token id (the part before the dot); returns whether a token was revoked. */
export async function revokeToken(storage: Storage, id: string): Promise<boolean> {
  return (await storage.write((c) => c.run('UPDATE tokens SET revoked = 1 WHERE id = ? AND revoked = 0', [id]))) > 0;
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
