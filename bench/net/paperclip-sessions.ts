/**
 * Handshakes for the load generator's paperclip mode. loadgen.c does not implement the
 * handshake (X25519, certificates, cookies); instead this module completes one real handshake
 * per client against the server under test, from a socket on its own port, records the session
 * keys the endpoint derived, and closes the socket without a disconnect. loadgen then binds the
 * same ports and carries on each connection from counter 0 and sequence 0, as the client's
 * Connection would have. The server cannot tell the difference: it sees the Finished (or the
 * first sealed datagram) from the address it handshook with.
 *
 * File format (one line per client): `local_port aead send_key send_iv receive_key receive_iv`
 * with aead 0 = XChaCha20-Poly1305, 1 = AES-256-GCM and the keys in hex.
 */
import { randomFillSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { AckWindow } from '../../lib/protocol/ack-window.js';
import type { ConnectionOffload } from '../../lib/protocol/connection-offload.js';
import { Endpoint, type EndpointEvent } from '../../lib/protocol/endpoint.js';
import { AeadChoice, type SessionKeys } from '../../lib/protocol/handshake/index.js';
import { sessionProtection } from '../../lib/protocol/session-protection.js';
import { transportNow } from '../../lib/transport/clock.js';
import { UdpDriver } from '../../lib/transport/udp-driver.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Runs `count` handshakes with 127.0.0.1:port (at most 64 at once) and writes the session file. */
export async function writeSessions(path: string, port: number, count: number): Promise<void> {
  const lines: string[] = [];
  for (let start = 0; start < count; start += 64) {
    const group = await Promise.all(Array.from({ length: Math.min(64, count - start) }, () => handshake(port)));
    lines.push(...group);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

async function handshake(port: number): Promise<string> {
  let keys: SessionKeys | undefined;
  // the offload hook is the one place the endpoint hands out session keys
  const capture: ConnectionOffload = {
    watch: () => undefined,
    release: () => undefined,
    attach: (_address, k, unencrypted) => {
      keys = k;
      return { protection: sessionProtection(k, unencrypted), received: new AckWindow() };
    },
  };
  const endpoint = new Endpoint({ random: (out) => randomFillSync(out), offload: capture, handshakeTimeoutMs: 10_000 });
  let settle: (error?: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  const driver = await UdpDriver.bind<EndpointEvent>(endpoint, (e) => {
    if (e.type === 'connected') settle();
    else if (e.type === 'handshake-failed' || e.type === 'disconnect') settle(new Error(`handshake failed: ${e.detail}`));
  });
  const localPort = driver.address.port;
  try {
    endpoint.connect(transportNow(), `127.0.0.1:${port}`);
    driver.service();
    await done;
    // let the Finished leave before the socket closes
    await new Promise((r) => setTimeout(r, 5));
  } finally {
    await driver.close();
  }
  const k = keys as SessionKeys;
  const aead = k.aead === AeadChoice.XCHACHA20_POLY1305 ? 0 : 1;
  return [localPort, aead, hex(k.send.key), hex(k.send.iv), hex(k.receive.key), hex(k.receive.iv)].join(' ');
}
