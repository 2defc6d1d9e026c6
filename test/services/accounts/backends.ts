/**
 * The storage backends every route test runs on: SQLite (a temp file, as deployed) and a real
 * PostgreSQL (a fresh schema per open; see test/helpers/postgres.ts for when it is skipped).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteRepository } from '../../../lib/services/accounts/storage/sqlite/repository.js';
import { openPostgresTestRepository, postgresAvailable } from '../../helpers/postgres.js';
import type { Repository } from '../../../lib/services/accounts/storage/types.js';

export interface StorageBackend {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, migrated, empty repository. */
  readonly open: () => Promise<Repository>;
  /** Set when this backend cannot run here (the reason is printed by the suite). */
  readonly skip: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'paperclip-routes-'));
let n = 0;

export const STORAGE: readonly StorageBackend[] = [
  {
    name: 'sqlite',
    skip: false,
    open: async () => {
      const repo = new SqliteRepository(join(dir, `db-${process.pid}-${n++}.sqlite`));
      await repo.migrate();
      return repo;
    },
  },
  {
    name: 'postgres',
    // in CI a missing server is a failure (open() throws), never a silent skip
    skip: !postgresAvailable && process.env.CI !== 'true',
    open: openPostgresTestRepository,
  },
];
