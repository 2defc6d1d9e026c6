/**
 * A real accounts service with its game-server pool, in this process, for the RPS client, the
 * bot and `paperclip play`: SQLite in a temp directory, HTTP on an ephemeral port, game servers
 * on a free UDP range (the built dist/ runner and rps module, as `paperclip serve` runs them).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ServiceApi } from '../../lib/cli/play/service-api.js';
import { DEFAULT_CONFIG, type ServiceConfig } from '../../lib/services/accounts/config.js';
import { startService, type RunningService } from '../../lib/services/accounts/service.js';
import { freePortRange } from '../services/gameservers/helpers.js';

export const PASSWORD = 'correct horse';

export async function startRpsService(overrides: Partial<ServiceConfig> = {}, ports = 4): Promise<RunningService> {
  const dir = mkdtempSync(join(tmpdir(), 'paperclip-rps-'));
  return startService(
    {
      ...DEFAULT_CONFIG,
      httpPort: 0,
      db: `sqlite:${join(dir, 'rps.db')}`,
      keyFile: join(dir, 'service.key'),
      udpPorts: await freePortRange(ports),
      authRateLimit: null,
      joinTimeoutMs: 30_000,
      ...overrides,
    },
    { logger: pino({ level: 'silent' }), defaultMetrics: false },
  );
}

/** Registers and logs in; the API as that account. */
export async function signedIn(url: string, username: string): Promise<{ api: ServiceApi; id: number }> {
  const anonymous = new ServiceApi(url);
  await anonymous.register(username, PASSWORD);
  const session = await anonymous.login(username, PASSWORD);
  return { api: anonymous.withToken(session.token), id: session.account.id };
}
