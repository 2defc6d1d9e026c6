/**
 * The native engine at its own level (issue 6): a batch of N sealed datagrams costs one JS call,
 * and bad datagrams (strangers, malformed, replayed, forged) are counted and dropped in C++
 * without waking JS. Peers here are node:dgram sockets sealing with the JS AeadProtection, so
 * every byte the engine opens was produced by the other implementation.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { primitives } from '../../lib/native.js';
import { AeadProtection, encodeForSealing } from '../../lib/protocol/packet-protection.js';
import { Flag, PacketType } from '../../lib/wire/constants.js';
import { Entry, M, META_INTS, SEND_INTS, SLOT_WORDS, SlotMode, nativeEngineClass, type NativeEngine } from '../../lib/transport/native-engine.js';
import { resolveIoBackend } from '../../lib/transport/io-backend.js';
import { until } from '../helpers/until.js';

const waitFor = (what: string, ok: () => boolean): Promise<true> => until(what, () => Promise.resolve(ok() ? true : undefined), 5000);

const Engine = nativeEngineClass();
// Skipped (reason): the js-fallback project has no addon, hence no engine; there every transport
// test runs on node:dgram instead, which is the point of that project.
const onNative = Engine !== undefined && primitives.backend === 'native';

interface Harness {
  engine: NativeEngine;
  batches: number[];
  out: Uint8Array;
  meta: Int32Array;
  entries: Array<{ kind: number; data: Uint8Array; sequence: number }>;
}

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

function engine(listen = false): Harness {
  const out = new Uint8Array(4 * 64 * 65536);
  const meta = new Int32Array(4 * 64 * META_INTS);
  const h: Harness = { engine: undefined as unknown as NativeEngine, batches: [], out, meta, entries: [] };
  h.engine = new (Engine as NonNullable<typeof Engine>)({
    host: '127.0.0.1', port: 0, listen, state: new Uint32Array(8 * SLOT_WORDS), out, meta,
    onBatch: (n) => {
      h.batches.push(n);
      for (let i = 0; i < n; i++) {
        const m = i * META_INTS;
        const at = meta[m + M.OFFSET] as number;
        h.entries.push({ kind: meta[m + M.KIND] as number, sequence: meta[m + M.SEQUENCE] as number, data: out.slice(at, at + (meta[m + M.LENGTH] as number)) });
      }
    },
  });
  open.push(h.engine);
  return h;
}

async function peerSocket(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  open.push({ close: () => s.close() });
  return s;
}

const keys = () => ({ key: new Uint8Array(randomBytes(32)), iv: new Uint8Array(randomBytes(16)) });

function sealed(protection: AeadProtection, sequence: number, text: string): Uint8Array {
  return protection.protect({ type: PacketType.DEFAULT, flags: Flag.RELIABLE, sequence, data: new TextEncoder().encode(text) });
}

function sendAll(socket: Socket, port: number, datagrams: readonly Uint8Array[]): Promise<void> {
  return Promise.all(datagrams.map((d) => new Promise<void>((r) => socket.send(d, port, '127.0.0.1', () => r())))).then(() => undefined);
}

describe.skipIf(!onNative)('native UdpEngine', () => {
  it('is the default I/O path on Linux with the addon (unless PAPERCLIP_IO=dgram forces the other)', () => {
    expect(resolveIoBackend()).toBe(process.env.PAPERCLIP_IO === 'dgram' ? 'dgram' : 'native');
  });

  it('opens a batch of 64 sealed datagrams with one JS callback', async () => {
    const server = engine();
    const peer = await peerSocket();
    const c2s = keys();
    const s2c = keys();
    server.engine.attach(0, '127.0.0.1', peer.address().port, SlotMode.SEALED, 0, s2c.key, s2c.iv, c2s.key, c2s.iv);
    const sender = new AeadProtection(primitives.xchacha20poly1305, c2s, s2c);
    const datagrams = Array.from({ length: 64 }, (_, i) => sealed(sender, i, `message ${i}`));
    await sendAll(peer, server.engine.port(), datagrams);
    await waitFor('64 entries', () => server.entries.length === 64);
    expect(server.batches).toEqual([64]);
    expect(server.entries.every((e) => e.kind === Entry.OPENED)).toBe(true);
    expect(server.entries.map((e) => new TextDecoder().decode(e.data))).toEqual(datagrams.map((_, i) => `message ${i}`));
    expect(server.engine.stats()).toMatchObject({ batches: 1, opened: 64, forged: 0, replayed: 0 });
  });

  it('seals what it sends so the JS AEAD opens it, with its own counters', async () => {
    const server = engine();
    const peer = await peerSocket();
    const c2s = keys();
    const s2c = keys();
    server.engine.attach(0, '127.0.0.1', peer.address().port, SlotMode.SEALED, 1, s2c.key, s2c.iv, c2s.key, c2s.iv);
    const receiver = new AeadProtection(primitives.aes256gcm, c2s, s2c);
    // tag space and a zero counter, as lib/transport/native-slots.ts encodes them
    const template = encodeForSealing({ type: PacketType.DEFAULT, flags: Flag.RELIABLE, sequence: 7, data: new TextEncoder().encode('hello') }, 0);
    const got: Uint8Array[] = [];
    peer.on('message', (m) => got.push(new Uint8Array(m)));
    const bytes = new Uint8Array(2 * template.length);
    bytes.set(template, 0);
    bytes.set(template, template.length);
    const meta = new Int32Array(2 * SEND_INTS);
    meta.set([0, 0, template.length, 1], 0);
    meta.set([0, template.length, template.length, 1], SEND_INTS);
    expect(server.engine.send(bytes, meta, 2)).toBe(2);
    await waitFor('2 datagrams', () => got.length === 2);
    const opened = got.map((d) => receiver.unprotect(d));
    expect(opened.map((o) => o.ok && new TextDecoder().decode(o.packet.data))).toEqual(['hello', 'hello']);
    expect(opened.map((o) => o.ok && o.packet.counter)).toEqual([0, 1]);
  });

  it('drops strangers, malformed, replayed, forged and duplicate datagrams without calling JS', async () => {
    const server = engine(true);
    const peer = await peerSocket();
    const stranger = await peerSocket();
    const c2s = keys();
    const s2c = keys();
    server.engine.attach(0, '127.0.0.1', peer.address().port, SlotMode.SEALED, 0, s2c.key, s2c.iv, c2s.key, c2s.iv);
    const sender = new AeadProtection(primitives.xchacha20poly1305, c2s, s2c);
    const good = sealed(sender, 1, 'first');
    await sendAll(peer, server.engine.port(), [good]);
    await waitFor('the good datagram', () => server.entries.length === 1);
    const forged = sealed(sender, 2, 'forged');
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    const truncated = sealed(sender, 3, 'short').subarray(0, 14);
    const duplicateUnreliable = new AeadProtection(primitives.xchacha20poly1305, c2s, s2c);
    for (let i = 0; i < 1000; i++) duplicateUnreliable.protect({ type: PacketType.DEFAULT, flags: 0, sequence: 0, data: new Uint8Array(1) });
    const dup = duplicateUnreliable.protect({ type: PacketType.DEFAULT, flags: 0, sequence: 1, data: new Uint8Array(1) });
    await sendAll(peer, server.engine.port(), [good, forged, truncated, new Uint8Array([1, 2]), dup]);
    await sendAll(stranger, server.engine.port(), [randomBytes(100), sealed(sender, 9, 'not yours')]);
    await waitFor('7 drops', () => {
      const s = server.engine.stats();
      return s.replayed + s.forged + s.malformed + s.unknownSource + s.duplicates >= 7;
    });
    expect(server.engine.stats()).toMatchObject({ replayed: 1, forged: 1, malformed: 2, unknownSource: 2, duplicates: 1, batches: 1 });
    expect(server.batches).toEqual([1]);
  });

  it('hands a stranger HELLO-typed datagram to JS only when listening', async () => {
    const listening = engine(true);
    const closed = engine(false);
    const stranger = await peerSocket();
    const hello = new Uint8Array(64);
    hello[0] = 0x12; // version 1, AUTH
    await sendAll(stranger, listening.engine.port(), [hello]);
    await sendAll(stranger, closed.engine.port(), [hello]);
    await waitFor('the HELLO', () => listening.entries.length === 1 && closed.engine.stats().unknownSource === 1);
    expect(listening.entries[0]?.kind).toBe(Entry.RAW);
    expect(closed.batches).toEqual([]);
  });
});
