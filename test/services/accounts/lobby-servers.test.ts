/**
 * Lobbies and game-server processes through the real service: a lobby waits for a free port,
 * a crashed (kill -9) game server ends its lobby and frees its port for the next waiting lobby,
 * and stopping the service ends what it ran.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../helpers/until.js';
import { DEFAULT_CONFIG, type ServiceConfig } from '../../../lib/services/accounts/config.js';
import { startService, type RunningService } from '../../../lib/services/accounts/service.js';
import { sha256Hex } from '../../../lib/services/accounts/tokens.js';
import type { Lobby } from '../../../lib/services/accounts/storage/types.js';

describe('lobbies waiting for, and losing, game servers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperclip-lobbysrv-'));
  const config: ServiceConfig = {
    ...DEFAULT_CONFIG,
    httpPort: 0,
    db: `sqlite:${join(dir, 'service.db')}`,
    keyFile: join(dir, 'service.key'),
    udpPorts: { from: 46500, to: 46500 },
    authRateLimit: null,
  };
  let service: RunningService;
  let n = 0;
  beforeAll(async () => {
    service = await startService(config, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  });
  afterAll(async () => service.close());

  async function token(): Promise<string> {
    const account = await service.repo.createAccount(`p${n}`, 'scrypt$1$1$1$AA==$AA==', Date.now());
    const t = `${'z'.repeat(37)}${String(n++).padStart(6, '0')}`;
    await service.repo.createSession(account.id, sha256Hex(t), Date.now(), Date.now() + 3_600_000);
    return t;
  }

  async function fullLobby(): Promise<number> {
    let id = 0;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${service.url}/lobby/find?game_name=rps`, { headers: { authorization: `Bearer ${await token()}` } });
      id = ((await res.json()) as { id: number }).id;
    }
    return id;
  }

  const lobby = (id: number): Promise<Lobby | null> => service.repo.getLobby(id);
  const status = (id: number, wanted: string) => until(`lobby ${id} ${wanted}`, async () => ((await lobby(id))?.status === wanted ? true : undefined));

  it('queues a full lobby until a port frees; a kill -9 ends the crashed lobby and starts the next', async () => {
    const first = await fullLobby();
    await status(first, 'running');
    const second = await fullLobby();
    // one port, taken: the second lobby waits, full, with no server
    await new Promise((r) => setTimeout(r, 300));
    expect((await lobby(second))?.status).toBe('full');
    expect((await lobby(second))?.server).toBeNull();

    const pid = service.lobbyServers.pidOf(first);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid as number, 'SIGKILL');
    await status(first, 'ended');
    expect((await lobby(first))?.endReason).toBe('crashed');
    await status(second, 'running');
    expect((await lobby(second))?.server?.port).toBe(46500);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/paperclip_game_servers_ended_total\{reason="crashed"\} 1/);
    expect(metrics).toMatch(/paperclip_game_servers_running 1/);
  }, 60_000);

  it('stopping the service ends the lobbies it ran; a restart finds everything else intact', async () => {
    const running = (await service.repo.listLobbies({ status: ['running'] }))[0];
    expect(running).toBeDefined();
    const friendsBefore = await service.repo.listGames();
    await service.close();
    service = await startService(config, { logger: pino({ level: 'silent' }), defaultMetrics: false });
    const after = await service.repo.getLobby(running?.id as number);
    expect(after?.status).toBe('ended');
    expect(after?.endReason).toBe('stopped');
    expect(await service.repo.listGames()).toEqual(friendsBefore);
    expect(await service.repo.findAccountByUsername('p0')).not.toBeNull();
    // the port is usable again
    const next = await fullLobby();
    await status(next, 'running');
  }, 60_000);
});
