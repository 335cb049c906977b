'use strict';
// Jaeger Thrift payloads, decoded by Apache Thrift's Node library (npm
// `thrift` 0.17.0) running code that Debian's thrift-compiler 0.17.0 generates
// from the official IDL shipped in jaeger-client 3.19.0. Generated code is
// never committed: it is made at test time into a directory the caller names,
// or into a temporary one.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const thrift = require('thrift');

const IDL = path.join(path.dirname(require.resolve('jaeger-client/package.json')),
  'dist', 'src', 'jaeger-idl', 'thrift', 'agent.thrift');

// `genDir` empty: a private temporary directory, removed when the process exits.
function prepareGeneratedCode(genDir) {
  let dir = genDir;
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-thrift-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  if (!fs.existsSync(path.join(dir, 'Agent.js'))) {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync(process.env.THRIFT || 'thrift', ['-r', '--gen', 'js:node', '-out', dir, IDL]);
  }
  // The generated modules `require('thrift')`; Node resolves that from their
  // own directory, so give them this project's node_modules.
  try {
    fs.symlinkSync(path.join(__dirname, '..', 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
  return dir;
}

function load(genDir) {
  const dir = prepareGeneratedCode(genDir);
  const { Batch } = require(path.join(dir, 'jaeger_types.js'));
  const Agent = require(path.join(dir, 'Agent.js'));

  const PROTOCOLS = {
    compact: (t) => new thrift.TCompactProtocol(t),
    // Jaeger clients write versioned ("strict") binary messages.
    binary: (t) => new thrift.TBinaryProtocol(t, true, true),
  };

  // TFramedTransport doubles as an in-memory reader over a Buffer; the framing
  // only applies to its writing side. All bytes must be used: trailing bytes
  // mean the writer and the IDL disagree.
  function read(buf, protocolName, readFn) {
    const transport = new thrift.TFramedTransport(buf);
    const result = readFn(PROTOCOLS[protocolName](transport));
    if (transport.readPos !== buf.length) {
      throw new Error(`${buf.length - transport.readPos} trailing bytes after the Thrift data`);
    }
    return result;
  }

  // POST /api/traces carries a bare binary Batch, not wrapped in a message.
  function decodeBatch(buf) {
    return read(buf, 'binary', (protocol) => {
      const batch = new Batch();
      batch.read(protocol);
      return batchToJson(batch);
    });
  }

  // A UDP datagram is one one-way Agent.emitBatch message.
  function decodeEmitBatch(buf, protocolName) {
    return read(buf, protocolName, (protocol) => {
      const header = protocol.readMessageBegin();
      if (header.fname !== 'emitBatch') throw new Error(`unexpected Thrift method ${JSON.stringify(String(header.fname))}`);
      // The generated processor reads the arguments; hand it the header read above.
      protocol.readMessageBegin = () => header;
      let batch;
      new Agent.Processor({ emitBatch: (b) => { batch = b; } }).process(protocol, null);
      return { seqid: header.rseqid, name: header.fname, mtype: header.mtype, batch: batchToJson(batch) };
    });
  }

  return { dir, decodeBatch, decodeEmitBatch };
}

// Thrift objects as JSON: i64 as decimal strings, binary as base64, and
// fields that were not on the wire (null) left out, so that optional fields
// show whether they were sent.
function toJson(value) {
  if (value instanceof thrift.Int64) return BigInt.asIntN(64, BigInt(`0x${value.toOctetString()}`)).toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && v !== undefined) out[key] = toJson(v);
  }
  return out;
}

const hex16 = (int64) => (int64 instanceof thrift.Int64 ? int64.toOctetString() : undefined);

// Adds the ids as 16-hex strings (and the 32-hex trace id) next to the i64 fields.
function withHexIds(json, obj) {
  const out = { ...json, traceIdLowHex: hex16(obj.traceIdLow), traceIdHighHex: hex16(obj.traceIdHigh), spanIdHex: hex16(obj.spanId) };
  if (out.traceIdLowHex && out.traceIdHighHex) out.traceIdHex = out.traceIdHighHex + out.traceIdLowHex;
  if ('parentSpanId' in obj) out.parentSpanIdHex = hex16(obj.parentSpanId);
  return out;
}

function batchToJson(batch) {
  const json = toJson(batch);
  if (Array.isArray(batch.spans)) {
    json.spans = batch.spans.map((span, i) => {
      const s = withHexIds(json.spans[i], span);
      if (Array.isArray(span.references)) s.references = span.references.map((r, j) => withHexIds(s.references[j], r));
      return s;
    });
  }
  return json;
}

module.exports = { load };
