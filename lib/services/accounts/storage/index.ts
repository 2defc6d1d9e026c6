/** Chooses the storage implementation from the configured database URL. */
import { PostgresRepository } from './postgres/repository.js';
import { SqliteRepository } from './sqlite/repository.js';
import type { Repository } from './types.js';

const ACCEPTED = "'sqlite:<path>', 'sqlite::memory:', 'postgres://…' or 'postgresql://…'";

function create(url: string): Repository {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new Error(`database URL 'sqlite:' names no file; expected ${ACCEPTED}`);
    // a long-running service: checkpoints belong on a worker thread, not inside request commits
    return new SqliteRepository(path, { backgroundCheckpoints: true });
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return new PostgresRepository(url);
  // Only the scheme in the message: the rest of a URL may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new Error(`unsupported database URL scheme ${scheme}; expected ${ACCEPTED}`);
}

/** Opens and migrates the storage for `url`; a repository that fails to migrate is closed again. */
export async function openRepository(url: string): Promise<Repository> {
  const repository = create(url);
  try {
    await repository.migrate();
  } catch (e) {
    await repository.close().catch(() => undefined);
    throw e;
  }
  return repository;
}
