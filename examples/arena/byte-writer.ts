/** A growable big-endian writer over one buffer, reused across messages to spare the allocator. */
export class ByteWriter {
  private bytes: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.bytes = new Uint8Array(initialCapacity);
    this.view = new DataView(this.bytes.buffer);
  }

  get size(): number {
    return this.length;
  }

  reset(): this {
    this.length = 0;
    return this;
  }

  u8(v: number): this {
    this.reserve(1).setUint8(this.length, v);
    this.length += 1;
    return this;
  }

  i8(v: number): this {
    this.reserve(1).setInt8(this.length, v);
    this.length += 1;
    return this;
  }

  u16(v: number): this {
    this.reserve(2).setUint16(this.length, v);
    this.length += 2;
    return this;
  }

  u32(v: number): this {
    this.reserve(4).setUint32(this.length, v);
    this.length += 4;
    return this;
  }

  raw(src: Uint8Array): this {
    this.reserve(src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
    return this;
  }

  /** A copy: the transport may hold a message after send() returns, and this buffer is reused. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  private reserve(n: number): DataView {
    if (this.length + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    return this.view;
  }
}
