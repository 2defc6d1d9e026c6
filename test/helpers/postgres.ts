/**
 * How tests reach a real PostgreSQL: PAPERCLIP_TEST_POSTGRES_URL (.ci/run sets it, e.g.
 * postgres://paperclip:paperclip@127.0.0.1:5432/paperclip_test). Every repository lives in a
 * schema of its own (`t_<random>`, picked through search_path), so test files and vitest
 * projects running in parallel never see each other's rows; closing it drops the schema.
 *
 * Without the URL the suites skip, visibly, except in CI, where they fail: a CI run that
 * silently skipped the PostgreSQL half of the storage contract would prove nothing.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import { PostgresRepository } from '../../lib/services/accounts/storage/postgres/repository.js';

export const POSTGRES_URL_VARIABLE = 'PAPERCLIP_TEST_POSTGRES_URL';
export const postgresUrl: string | undefined = process.env[POSTGRES_URL_VARIABLE] || undefined;
export const postgresAvailable = postgresUrl !== undefined;
const inCi = process.env.CI === 'true';

/**
 * Small pools: several test files hold repositories at once and the server's default
 * max_connections is 100. Two connections are enough to exercise lock contention.
 */
const DEFAULT_POOL_MAX = 4;

function requireUrl(): string {
  if (postgresUrl === undefined) {
    throw new Error(`${POSTGRES_URL_VARIABLE} is not set: these tests need a PostgreSQL server (required in CI; .ci/run starts one)`);
  }
  return postgresUrl;
}

/**
 * `describe` for suites that need PostgreSQL: runs them when the URL is set; otherwise fails in
 * CI and skips elsewhere, with the reason in the suite's name.
 */
export function describePostgres(name: string, body: () => void): void {
  if (postgresAvailable) {
    describe(name, body);
  } else if (inCi) {
    describe(name, () => {
      it('has a PostgreSQL server', () => {
        throw new Error(`${POSTGRES_URL_VARIABLE} is not set: PostgreSQL is required in CI (.ci/run starts one)`);
      });
    });
  } else {
    const reason = `${POSTGRES_URL_VARIABLE} is not set, no PostgreSQL to test against`;
    // The default reporter only counts skipped tests; the warning says why they were skipped.
    console.warn(`skipping "${name}": ${reason}`);
    describe.skip(`${name} [skipped: ${reason}]`, body);
  }
}

/** Runs one statement on a short-lived connection outside any test schema. */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: requireUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestSchema {
  readonly name: string;
  /** Pool configuration that puts a connection in this schema (pass to PostgresRepository). */
  config(max?: number): pg.PoolConfig;
  /** The same, as a URL, for child processes. */
  readonly url: string;
  drop(): Promise<void>;
}

/** A new empty schema; nothing is migrated in it. */
export async function createTestSchema(): Promise<TestSchema> {
  const url = requireUrl();
  const name = `t_${randomBytes(8).toString('hex')}`;
  const quoted = pg.escapeIdentifier(name);
  // Identifiers cannot be bound parameters; the name is ours, and quoted regardless.
  await admin(`CREATE SCHEMA ${quoted}`);
  const options = `-c search_path=${name}`;
  const withOptions = new URL(url);
  withOptions.searchParams.set('options', options);
  return {
    name,
    url: withOptions.toString(),
    config: (max = DEFAULT_POOL_MAX) => ({ connectionString: url, options, max }),
    drop: () => admin(`DROP SCHEMA IF EXISTS ${quoted} CASCADE`),
  };
}

/** A repository that drops its schema when closed. */
class SchemaRepository extends PostgresRepository {
  constructor(private readonly schema: TestSchema) {
    super(schema.config());
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      await this.schema.drop();
    }
  }
}

/** A fresh, empty, migrated repository in a schema of its own; close() drops the schema. */
export async function openPostgresTestRepository(): Promise<PostgresRepository> {
  const repository = new SchemaRepository(await createTestSchema());
  try {
    await repository.migrate();
  } catch (e) {
    await repository.close();
    throw e;
  }
  return repository;
}
