#!/usr/bin/env node
// Cross-check of Seco.MessagePack against an independent implementation, @msgpack/msgpack
// (msgpack-javascript, the reference JavaScript implementation listed on msgpack.org).
//
//   node msgpack-crosscheck.mjs encode [out.json]
//       Encodes the fixed corpus below with @msgpack/msgpack and writes
//       {"library", "version", "entries": [{"name", "hex", "value"}]}  (value = canonical description, see describe()).
//   node msgpack-crosscheck.mjs decode <in.json | -> [out.json]
//       Reads {"entries": [{"name", "hex"}]} (our C# encodings), decodes each with @msgpack/msgpack and writes
//       {"entries": [{"name", "value"} | {"name", "error"}]}.
//
// The C# side (tests/Seco.MessagePack.Tests/Interop) holds the same corpus with typed values and compares.
//
// Canonical description (JSON), the same on both sides:
//   ["nil"] | ["bool", b] | ["int", "decimal"] | ["float", "16 hex digits of the float64 bits" | "nan"]
//   ["str", s] | ["bin", "hex"] | ["array", [items]] | ["map", [[key, value], ...]] | ["ext", type, "hex"]
//   ["timestamp", "seconds", nanoseconds]
// JavaScript has one number type, so a decoded float whose value is a safe integer (and not -0) is described as
// ["int", ...]; the C# side applies the same rule. float 32 values are described by their exact float64 widening.
// NaN is described as "nan" because JS engines may canonicalize NaN payloads.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  Decoder,
  Encoder,
  ExtData,
  ExtensionCodec,
  EXT_TIMESTAMP,
  decodeTimestampToTimeSpec,
  encodeDateToTimeSpec,
  encodeTimeSpecToTimestamp,
} from "@msgpack/msgpack";

const here = dirname(fileURLToPath(import.meta.url));
const libraryVersion = JSON.parse(
  readFileSync(join(here, "node_modules", "@msgpack", "msgpack", "package.json"), "utf8"),
).version;

// ---------------------------------------------------------------------------------------------------------------
// Corpus. Keep in sync with tests/Seco.MessagePack.Tests/Interop/InteropCorpus.cs (same names, same values).

/** Deterministic bytes: (i * 31 + seed) mod 256. */
const pattern = (length, seed) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
/** Small ints of mixed widths: (i mod 200) - 50 gives negative fixint, int 8, positive fixint and uint 8. */
const mixedInts = (length) => Array.from({ length }, (_, i) => (i % 200) - 50);
/** Map with keys "k0".."k{n-1}" (never integer-like, so JS keeps insertion order) and values 0..n-1. */
const numberedMap = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

class Timestamp {
  constructor(sec, nsec) {
    this.sec = sec;
    this.nsec = nsec;
  }
}
/** A timestamp encoded by @msgpack/msgpack's own timestamp encoder (which picks the 32/64/96 form). */
const ts = (sec, nsec) => new ExtData(EXT_TIMESTAMP, encodeTimeSpecToTimestamp({ sec, nsec }));

const corpus = [
  ["nil", null],
  ["true", true],
  ["false", false],

  ["uint-0", 0],
  ["uint-127", 127],
  ["uint-128", 128],
  ["uint-255", 255],
  ["uint-256", 256],
  ["uint-65535", 65535],
  ["uint-65536", 65536],
  ["uint-4294967295", 4294967295],
  ["uint-4294967296", 4294967296n],
  ["uint-9007199254740993", 9007199254740993n],
  ["int64-max", 9223372036854775807n],
  ["uint64-max", 18446744073709551615n],
  ["int--1", -1],
  ["int--32", -32],
  ["int--33", -33],
  ["int--128", -128],
  ["int--129", -129],
  ["int--32768", -32768],
  ["int--32769", -32769],
  ["int--2147483648", -2147483648],
  ["int--2147483649", -2147483649n],
  ["int64-min", -9223372036854775808n],
  // With useBigInt64 every BigInt is written as uint 64 / int 64 whatever its value (not the smallest form).
  ["bigint-small-5", 5n],
  ["bigint-small--5", -5n],

  ["f64-1.5", 1.5],
  ["f64-pi", Math.PI],
  ["f64-tiny", -1e-300],
  ["f64-subnormal", 5e-324],
  ["f64-max", Number.MAX_VALUE],
  ["f64-2^53", 2 ** 53],
  ["f64-inf", Infinity],
  ["f64--inf", -Infinity],
  ["f64-nan", NaN],
  // JS numbers that are integers (including -0) are written as integers by @msgpack/msgpack.
  ["f64-integral-1", 1.0],
  ["f64-neg-zero", -0],
  ["f32-1.5", 1.5, "float32"],
  ["f32-0.1", 0.1, "float32"],
  ["f32--inf", -Infinity, "float32"],
  ["f32-max", 3.4028234663852886e38, "float32"],

  ["str-empty", ""],
  ["str-a", "a"],
  ["str-latin", "h\u00e9llo w\u00f6rld"],
  ["str-cjk", "\u65e5\u672c\u8a9e\u30c6\u30ad\u30b9\u30c8"],
  ["str-emoji", "\u{1F600}\u{1F44D}\u{1F3FD} non-BMP"],
  ["str-2byte-32", "\u00e9".repeat(16)],
  ["str-31", "x".repeat(31)],
  ["str-32", "x".repeat(32)],
  ["str-255", "x".repeat(255)],
  ["str-256", "x".repeat(256)],
  ["str-65535", "x".repeat(65535)],
  ["str-65536", "x".repeat(65536)],

  ["bin-0", pattern(0, 1)],
  ["bin-1", pattern(1, 1)],
  ["bin-255", pattern(255, 2)],
  ["bin-256", pattern(256, 3)],
  ["bin-65535", pattern(65535, 4)],
  ["bin-65536", pattern(65536, 5)],

  ["array-0", []],
  ["array-15", mixedInts(15)],
  ["array-16", mixedInts(16)],
  ["array-65535", mixedInts(65535)],
  ["array-65536", mixedInts(65536)],
  ["array-nested", [[], [[]], [1, [2, [3, { a: null }]]], "x", -1]],
  ["array-mixed", [null, true, false, 1.5, "s", pattern(3, 9), -200, 70000, -70000]],

  ["map-0", {}],
  ["map-1", { a: 1 }],
  ["map-15", numberedMap(15)],
  ["map-16", numberedMap(16)],
  ["map-65536", numberedMap(65536)],
  ["map-nested", { outer: { inner: [1, { deep: "yes" }] }, list: [{}, []], "\u00fcml\u00e4ut": "\u{1F600}" }],

  ["ext-0", new ExtData(1, pattern(0, 7))],
  ["ext-1", new ExtData(1, pattern(1, 7))],
  ["ext-2", new ExtData(1, pattern(2, 7))],
  ["ext-3", new ExtData(1, pattern(3, 7))],
  ["ext-4", new ExtData(1, pattern(4, 7))],
  ["ext-8", new ExtData(1, pattern(8, 7))],
  ["ext-16", new ExtData(1, pattern(16, 7))],
  ["ext-17", new ExtData(1, pattern(17, 7))],
  ["ext-255", new ExtData(1, pattern(255, 7))],
  ["ext-256", new ExtData(1, pattern(256, 7))],
  ["ext-65535", new ExtData(1, pattern(65535, 7))],
  ["ext-65536", new ExtData(1, pattern(65536, 7))],
  ["ext-type-min", new ExtData(-128, pattern(4, 8))],
  ["ext-type-max", new ExtData(127, pattern(5, 8))],

  ["ts-zero", ts(0, 0)],
  ["ts-u32max", ts(4294967295, 0)],
  ["ts-2^32", ts(4294967296, 0)],
  ["ts-1s-1ns", ts(1, 1)],
  ["ts-34bit-max", ts(17179869183, 999999999)],
  ["ts-2^34", ts(17179869184, 0)],
  ["ts-neg", ts(-1, 0)],
  ["ts-neg-nanos", ts(-1, 999999999)],
  ["ts-year1", ts(-62135596800, 0)],
  ["ts-year9999", ts(253402300799, 999999999)],
  ["ts-date", new Date(1700000000123)], // through @msgpack/msgpack's Date encoder
];

// ---------------------------------------------------------------------------------------------------------------
// Canonical description

const KEY_PREFIX = "\u0000key:";

const hex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");

function float64Bits(value) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
}

function describeNumber(value) {
  if (Number.isNaN(value)) return ["float", "nan"];
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) return ["int", String(value)];
  return ["float", float64Bits(value)];
}

function describeTimestamp({ sec, nsec }) {
  return ["timestamp", String(sec), nsec];
}

function describeKey(key) {
  // Decoded maps come with keys already described (see mapKeyConverter); original corpus objects have strings.
  return typeof key === "string" && key.startsWith(KEY_PREFIX) ? JSON.parse(key.slice(KEY_PREFIX.length)) : ["str", key];
}

function describe(value) {
  if (value === null || value === undefined) return ["nil"];
  if (typeof value === "boolean") return ["bool", value];
  if (typeof value === "bigint") return ["int", value.toString()];
  if (typeof value === "number") return describeNumber(value);
  if (typeof value === "string") return ["str", value];
  if (value instanceof Uint8Array) return ["bin", hex(value)];
  if (Array.isArray(value)) return ["array", value.map(describe)];
  if (value instanceof Timestamp) return describeTimestamp(value);
  if (value instanceof Date) return describeTimestamp(encodeDateToTimeSpec(value));
  if (value instanceof ExtData) {
    return value.type === EXT_TIMESTAMP
      ? describeTimestamp(decodeTimestampToTimeSpec(value.data))
      : ["ext", value.type, hex(value.data)];
  }
  if (typeof value === "object") {
    return ["map", Object.keys(value).map((key) => [describeKey(key), describe(value[key])])];
  }
  throw new Error(`cannot describe ${typeof value}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Modes

function encodeCorpus() {
  const encoder = new Encoder({ useBigInt64: true });
  const float32Encoder = new Encoder({ useBigInt64: true, forceFloat32: true });
  const entries = corpus.map(([name, value, mode]) => {
    const bytes = (mode === "float32" ? float32Encoder : encoder).encode(value);
    const described = mode === "float32" ? describeNumber(Math.fround(value)) : describe(value);
    return { name, hex: hex(bytes), value: described };
  });
  return { library: "@msgpack/msgpack", version: libraryVersion, entries };
}

function decodeEntries(input) {
  // Timestamps are kept as {sec, nsec} (the default codec would round them to a millisecond Date), and every map
  // key is replaced by its description so non-string keys and key order survive the trip through a JS object.
  const extensionCodec = new ExtensionCodec();
  extensionCodec.register({
    type: EXT_TIMESTAMP,
    encode: () => null,
    decode: (data) => {
      const spec = decodeTimestampToTimeSpec(data);
      return new Timestamp(spec.sec, spec.nsec);
    },
  });
  const decoder = new Decoder({
    useBigInt64: true,
    extensionCodec,
    mapKeyConverter: (key) => KEY_PREFIX + JSON.stringify(describe(key)),
  });
  const entries = input.entries.map(({ name, hex: encoded }) => {
    try {
      return { name, value: describe(decoder.decode(Buffer.from(encoded, "hex"))) };
    } catch (error) {
      return { name, error: String(error?.message ?? error) };
    }
  });
  return { library: "@msgpack/msgpack", version: libraryVersion, entries };
}

function output(result, path) {
  const json = JSON.stringify(result);
  if (path) writeFileSync(path, json);
  else process.stdout.write(json + "\n");
}

const [mode, first, second] = process.argv.slice(2);
if (mode === "encode") {
  output(encodeCorpus(), first);
} else if (mode === "decode" && first) {
  const text = first === "-" ? readFileSync(0, "utf8") : readFileSync(first, "utf8");
  output(decodeEntries(JSON.parse(text)), second);
} else {
  process.stderr.write("usage: node msgpack-crosscheck.mjs encode [out.json]\n" +
    "       node msgpack-crosscheck.mjs decode <in.json|-> [out.json]\n");
  process.exit(2);
}
