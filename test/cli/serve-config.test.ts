import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServeConfig } from '../../lib/cli/serve.js';
import { DEFAULT_CONFIG, SETTINGS } from '../../lib/services/accounts/config.js';

describe('paperclip serve configuration', () => {
  it('defaults, then PAPERCLIP_* variables, then flags', () => {
    expect(resolveServeConfig({}, {})).toEqual(DEFAULT_CONFIG);
    const env = { PAPERCLIP_HTTP_PORT: '9000', PAPERCLIP_DB: 'postgres://u:p@db/x', PAPERCLIP_TOKEN_TTL: '86400', PAPERCLIP_AUTH_RATE_LIMIT: 'off' };
    const fromEnv = resolveServeConfig({}, env);
    expect(fromEnv).toMatchObject({ httpPort: 9000, db: 'postgres://u:p@db/x', tokenTtlMs: 86_400_000, authRateLimit: null });
    const both = resolveServeConfig({ httpPort: '9100', udpPorts: '41000-41009', authRateLimit: '5' }, env);
    expect(both).toMatchObject({ httpPort: 9100, udpPorts: { from: 41000, to: 41009 }, db: 'postgres://u:p@db/x', authRateLimit: { max: 5, windowMs: 60_000 } });
  });

  it('advertises the bind host unless told otherwise, and loopback for a wildcard bind', () => {
    expect(resolveServeConfig({ host: '10.1.2.3' }, {}).publicHost).toBe('10.1.2.3');
    expect(resolveServeConfig({ host: '0.0.0.0' }, {}).publicHost).toBe('127.0.0.1');
    expect(resolveServeConfig({ host: '0.0.0.0' }, { PAPERCLIP_PUBLIC_HOST: 'game.example' }).publicHost).toBe('game.example');
    expect(resolveServeConfig({ host: '0.0.0.0', publicHost: 'flag.example' }, { PAPERCLIP_PUBLIC_HOST: 'env.example' }).publicHost).toBe('flag.example');
    expect(resolveServeConfig({}, { PAPERCLIP_HOST: '::' }).publicHost).toBe('127.0.0.1');
  });

  it.each([
    [{ httpPort: '80a' }, {}, '--http-port'],
    [{ httpPort: '70000' }, {}, '--http-port'],
    [{ udpPorts: '5-3' }, {}, '--udp-ports'],
    [{ udpPorts: '4000' }, {}, '--udp-ports'],
    [{ db: 'mysql://x' }, {}, '--db'],
    [{ tokenTtl: '0' }, {}, '--token-ttl'],
    [{ authRateLimit: 'lots' }, {}, '--auth-rate-limit'],
    [{}, { PAPERCLIP_HTTP_PORT: 'eighty' }, 'PAPERCLIP_HTTP_PORT'],
    [{}, { PAPERCLIP_UDP_PORTS: '1-' }, 'PAPERCLIP_UDP_PORTS'],
  ])('rejects %o / %o naming %s', (flags, env, name) => {
    expect(() => resolveServeConfig(flags, env)).toThrow(name);
  });

  it('reads a games file and says what is wrong with a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperclip-games-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify([{ name: 'arena', min_players: 2, max_players: 16, module: null }]));
    expect(resolveServeConfig({ games: good }, {}).games).toEqual([{ name: 'arena', minPlayers: 2, maxPlayers: 16, module: null }]);
    const cases: [string, string][] = [
      ['{not json', 'good.json'.replace('good', 'bad0')],
      ['[]', 'non-empty'],
      ['[{"name": "", "min_players": 1, "max_players": 2}]', '.name'],
      ['[{"name": "x", "min_players": 3, "max_players": 2}]', 'min_players'],
      ['[{"name": "x", "min_players": 1, "max_players": 2, "module": 7}]', '.module'],
    ];
    cases.forEach(([text, message], i) => {
      const file = join(dir, `bad${i}.json`);
      writeFileSync(file, text);
      expect(() => resolveServeConfig({ games: file }, {})).toThrow(message);
    });
    expect(() => resolveServeConfig({ games: join(dir, 'missing.json') }, {})).toThrow('missing.json');
  });

  it('documents every setting once, with a flag and a variable', () => {
    expect(new Set(SETTINGS.map((r) => r.key)).size).toBe(SETTINGS.length);
    for (const row of SETTINGS) {
      expect(row.flag).toMatch(/^--[a-z-]+ </);
      expect(row.env).toMatch(/^PAPERCLIP_[A-Z_]+$/);
    }
  });
});
