/**
 * A big-endian reader over untrusted bytes that never throws: reading past the end sets
 * `failed` and yields 0, so a decoder reads a whole layout and checks once at the end instead of
 * before every field (DataView itself throws a RangeError past the end).
 */
export class ByteReader {
  private readonly view: DataView;
  private offset = 0;
  failed = false;

  constructor(bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.view.byteLength - this.offset;
  }

  u8(): number {
    return this.take(1) ? this.view.getUint8(this.offset - 1) : 0;
  }

  i8(): number {
    return this.take(1) ? this.view.getInt8(this.offset - 1) : 0;
  }

  u16(): number {
    return this.take(2) ? this.view.getUint16(this.offset - 2) : 0;
  }

  u32(): number {
    return this.take(4) ? this.view.getUint32(this.offset - 4) : 0;
  }

  private take(n: number): boolean {
    if (this.failed || this.offset + n > this.view.byteLength) {
      this.failed = true;
      return false;
    }
    this.offset += n;
    return true;
  }
}
