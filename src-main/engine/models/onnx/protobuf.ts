// A minimal protobuf writer and reader: enough for ONNX ModelProto messages (the ONNX field
// numbers are named in fields.ts).

/** Protobuf wire types. */
const WIRE = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number): this {
    this.tag(field, WIRE.varint);
    this.varint(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE.lengthDelimited);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const w = new ProtoWriter();
    build(w);
    return this.bytes(field, w.finish());
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE.fixed32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  /** Repeated float32, packed. */
  floats(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, b);
  }

  /** Repeated int64, packed varints. */
  ints(field: number, values: ArrayLike<number>): this {
    const w = new ProtoWriter();
    for (let i = 0; i < values.length; i++) w.varint(values[i]);
    return this.bytes(field, w.finish());
  }

  /** Bytes already encoded as fields (copied through from another message). */
  raw(bytes: Uint8Array): this {
    this.push(bytes);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Reads the top-level fields of a protobuf message: field number → raw values (varints as bigint). */
export function readFields(bytes: Uint8Array): Map<number, (bigint | Uint8Array)[]> {
  const out = new Map<number, (bigint | Uint8Array)[]>();
  for (const f of readFieldList(bytes)) {
    let list = out.get(f.field);
    if (!list) out.set(f.field, (list = []));
    list.push(f.value);
  }
  return out;
}

export interface ProtoField {
  field: number;
  /** varints as bigint; length-delimited, fixed64 and fixed32 values as their bytes */
  value: bigint | Uint8Array;
  /** the whole encoded field (key and value), to copy it through unchanged */
  encoded: Uint8Array;
}

/** The top-level fields of a protobuf message, in order. */
export function readFieldList(bytes: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= bytes.length) throw new Error('truncated protobuf');
      const b = bytes[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
      shift += 7n;
      if (shift > 70n) throw new Error('malformed varint');
    }
  };
  while (at < bytes.length) {
    const start = at;
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 0) throw new Error('field number 0');
    let value: bigint | Uint8Array;
    if (wire === WIRE.varint) value = varint();
    else if (wire === WIRE.lengthDelimited) {
      const len = Number(varint());
      if (at + len > bytes.length) throw new Error('truncated protobuf');
      value = bytes.subarray(at, at + len);
      at += len;
    } else if (wire === WIRE.fixed64) {
      value = bytes.subarray(at, at + 8);
      at += 8;
    } else if (wire === WIRE.fixed32) {
      value = bytes.subarray(at, at + 4);
      at += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    if (at > bytes.length) throw new Error('truncated protobuf');
    out.push({ field, value, encoded: bytes.subarray(start, at) });
  }
  return out;
}
