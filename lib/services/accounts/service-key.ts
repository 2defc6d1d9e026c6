/**
 * The service's Ed25519 signing key (certificates for accounts and game servers). Kept as a
 * 32-byte seed in a file created with mode 0600; every service process sharing a database must
 * use the same file, or certificates issued by one would not verify under another's key.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { ed25519PublicKey } from '../../protocol/handshake/ed25519.js';

export interface ServiceKey {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function serviceKeyFromSeed(seed: Uint8Array): ServiceKey {
  if (seed.length !== 32) throw new Error('a service key seed is 32 bytes');
  return { seed, publicKey: ed25519PublicKey(seed) };
}

/**
 * Reads the seed (base64 text), creating the file when it does not exist. The new file is written
 * aside and hard-linked into place, so a second process starting at the same moment either wins
 * the link or reads the complete winner, never a half-written file.
 */
export function loadOrCreateServiceKey(path: string): ServiceKey {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  try {
    linkSync(aside, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(aside);
  }
  const text = readFileSync(path, 'utf8').trim();
  const seed = Buffer.from(text, 'base64');
  if (seed.length !== 32) throw new Error(`${path}: not a base64 32-byte Ed25519 seed`);
  return serviceKeyFromSeed(new Uint8Array(seed));
}
