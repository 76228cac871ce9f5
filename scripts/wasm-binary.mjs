// Reading and writing the few pieces of the wasm binary format the build scripts touch
// (short-names.mjs, order-functions.mjs).

/** Unsigned LEB128 at `at`: [value, next offset]. */
export function readU32(buf, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

/** `value` as unsigned LEB128. */
export function u32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}

/** A name as the binary format writes it: its length, then its UTF-8 bytes. */
export const name = (s) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);

/** Skips an import's description (func, table, memory, global or tag) and returns the offset after it. */
export function skipDesc(buf, at) {
  const kind = buf[at++];
  const limits = (p) => {
    const flags = buf[p++];
    [, p] = readU32(buf, p);
    if (flags & 1) [, p] = readU32(buf, p);
    return p;
  };
  switch (kind) {
    case 0x00: return readU32(buf, at)[1]; // func: type index
    case 0x01: return limits(at + 1); // table: reftype, limits
    case 0x02: return limits(at); // memory: limits
    case 0x03: return at + 2; // global: valtype, mutability
    case 0x04: return readU32(buf, at + 1)[1]; // tag: attribute, type index
    default: throw new Error(`unknown import kind ${kind}`);
  }
}

/** The module's sections in order: each one's id, where it starts, where its contents start, where it ends. */
export function sectionsOf(buf) {
  const sections = [];
  let at = 8;
  while (at < buf.length) {
    const [size, body] = readU32(buf, at + 1);
    sections.push({ id: buf[at], start: at, body, end: body + size });
    at = body + size;
  }
  return sections;
}

/**
 * The entries of an import section whose contents start at `at`: each one's module and field names,
 * where its description starts and where it ends.
 */
export function importsOf(buf, at) {
  let count;
  [count, at] = readU32(buf, at);
  const imports = [];
  while (count--) {
    const [moduleLen, m] = readU32(buf, at);
    const [fieldLen, f] = readU32(buf, m + moduleLen);
    const desc = f + fieldLen;
    at = skipDesc(buf, desc);
    imports.push({ module: buf.toString('utf8', m, m + moduleLen), field: buf.toString('utf8', f, desc), desc, end: at });
  }
  return imports;
}
