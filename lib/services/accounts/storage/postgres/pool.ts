/**
 * The pg Pool behind one PostgresRepository. Its type parsers are private to the pool: other
 * users of `pg` in the same process keep the library's defaults (INT8 as strings).
 */
import pg from 'pg';

const INT8_OID = 20;

/** ids, ms timestamps and counts are BIGINT; they stay below 2^53, and a larger one is a bug. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} does not fit a JS number`);
  return value;
}

export function createPool(config: string | pg.PoolConfig): pg.Pool {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, parseInt8);
  const base = typeof config === 'string' ? { connectionString: config } : config;
  const pool = new pg.Pool({ ...base, types });
  // An idle connection that drops (server restart, network) is emitted here; without a
  // listener that event would crash the process. The pool discards the client, and the next
  // query reports the outage to its caller.
  pool.on('error', () => undefined);
  return pool;
}
