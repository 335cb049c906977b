#!/usr/bin/env node
'use strict';
// One loopback receiver for every tracewire exporter: OTLP/HTTP (protobuf and
// JSON), the Jaeger collector (Thrift binary over HTTP), the Jaeger agent
// (Thrift compact and binary over UDP), Zipkin v2 JSON and the AWS X-Ray daemon (UDP).
// Payloads are decoded only by independent implementations (see lib/), never by
// tracewire's code.
//
//   node receiver.js [--http-port N] [--udp-compact-port N] [--udp-binary-port N]
//                    [--udp-xray-port N] [--script FILE] [--tls-cert F --tls-key F
//                    [--tls-client-ca F]] [--thrift-gen-dir DIR]
//
// Prints `READY {"http":P,"udpCompact":P,"udpBinary":P,"udpXray":P}`, then one JSON line per
// request or datagram. Exits when stdin closes, so it cannot outlive its test.
// README.md describes the output and the script format.

const fs = require('fs');
const http = require('http');
const https = require('https');
const dgram = require('dgram');
const zlib = require('zlib');
const { parseArgs } = require('util');
const otlp = require('./lib/otlp');

const { values: opts } = parseArgs({
  options: {
    'http-port': { type: 'string', default: '0' },
    'udp-compact-port': { type: 'string', default: '0' },
    'udp-binary-port': { type: 'string', default: '0' },
    'udp-xray-port': { type: 'string', default: '0' },
    script: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'tls-client-ca': { type: 'string' },
    'thrift-gen-dir': { type: 'string', default: process.env.TRACEWIRE_THRIFT_GEN_DIR || '' },
  },
});

const jaeger = require('./lib/jaeger').load(opts['thrift-gen-dir']);
// Scripted HTTP replies, used one per request in arrival order; then normal replies.
const script = opts.script ? JSON.parse(fs.readFileSync(opts.script, 'utf8')) : [];
if (!Array.isArray(script)) throw new Error('--script must hold a JSON array of steps');

const emit = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);
// Apache Thrift's InputBufferUnderrunError carries no message, only a name.
const describe = (e) => e?.message || e?.name || String(e);

class RequestError extends Error {
  constructor(message, status = 400) {
    super(message);
    this.status = status;
  }
}

const mediaType = (req) => (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();

function decompress(req, body) {
  const encoding = (req.headers['content-encoding'] || 'identity').toLowerCase();
  if (encoding === 'gzip') return zlib.gunzipSync(body);
  if (encoding === 'identity') return body;
  throw new RequestError(`unsupported content-encoding ${encoding}`);
}

// Each route decodes a request into the record to print and its normal reply.
// `partialSuccess` builds the OTLP reply a script asks for.
const ROUTES = {
  '/v1/traces'(req, body) {
    const type = mediaType(req);
    if (type !== 'application/x-protobuf' && type !== 'application/json') {
      throw new RequestError(`unsupported content-type ${type} for OTLP`);
    }
    const json = type === 'application/json';
    const otlpReply = (partialSuccess) => ({ status: 200, type, body: otlp.encodeResponse(partialSuccess, json) });
    return {
      record: { kind: json ? 'otlp-json' : 'otlp-proto', body: json ? otlp.decodeJson(body) : otlp.decodeProtobuf(body) },
      reply: otlpReply(null),
      partialSuccess: otlpReply,
    };
  },
  // The Jaeger collector accepts both media types and answers 202 Accepted.
  '/api/traces'(req, body) {
    const type = mediaType(req);
    if (type !== 'application/vnd.apache.thrift.binary' && type !== 'application/x-thrift') {
      throw new RequestError(`unsupported content-type ${type} for Jaeger Thrift`);
    }
    return { record: { kind: 'jaeger-http', batch: jaeger.decodeBatch(body) }, reply: { status: 202 } };
  },
  '/api/v2/spans'(req, body) {
    if (mediaType(req) !== 'application/json') throw new RequestError(`unsupported content-type ${mediaType(req)} for Zipkin`);
    const spans = JSON.parse(body.toString('utf8'));
    if (!Array.isArray(spans)) throw new RequestError('a Zipkin v2 body must be a JSON array of spans');
    return { record: { kind: 'zipkin', body: spans }, reply: { status: 202 } };
  },
};

function decodeRequest(req, body) {
  const path = req.url.split('?')[0];
  if (!Object.hasOwn(ROUTES, path)) throw new RequestError(`no such endpoint ${path}`, 404);
  if (req.method !== 'POST') throw new RequestError(`${req.method} is not supported`, 405);
  return ROUTES[path](req, decompress(req, body));
}

// A script step may delay, drop the connection, or override status, headers
// and body; an error status without a body gets an empty one.
function chooseReply(decoded, step) {
  const status = step.status ?? decoded.reply.status;
  let body = decoded.reply.body || Buffer.alloc(0);
  if (step.body !== undefined) body = Buffer.from(step.body);
  else if (step.partialSuccess) body = decoded.partialSuccess(step.partialSuccess).body;
  else if (status >= 300) body = Buffer.alloc(0);
  const headers = decoded.reply.type ? { 'content-type': decoded.reply.type } : {};
  return { status, headers: { ...headers, ...step.headers }, body };
}

// An explicit length, as collectors send, rather than Node's default chunking.
function reply(res, status, headers, body) {
  res.writeHead(status, { 'content-length': body.length, ...headers }).end(body);
}

async function onRequest(req, res) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const path = req.url;
  let decoded;
  try {
    decoded = decodeRequest(req, Buffer.concat(chunks));
  } catch (e) {
    emit({ kind: 'error', path, headers: req.headers, message: describe(e) });
    reply(res, e?.status || 400, { 'content-type': 'text/plain' }, Buffer.from(describe(e)));
    return;
  }
  const { kind, ...payload } = decoded.record;
  // With --tls-client-ca, whose (verified) certificate the client presented.
  const tlsClient = opts['tls-client-ca'] ? { tlsClient: req.socket.getPeerCertificate().subject?.CN ?? null } : {};
  emit({ kind, path, headers: req.headers, ...tlsClient, ...payload });
  const step = script.shift() || {};
  if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
  if (step.close) {
    req.socket.destroy();
    return;
  }
  const chosen = chooseReply(decoded, step);
  reply(res, chosen.status, chosen.headers, chosen.body);
}

function listenHttp(port) {
  const handler = (req, res) => onRequest(req, res).catch((e) => {
    emit({ kind: 'error', path: req.url, message: describe(e) });
    res.destroy();
  });
  // Mutual TLS: a client without a certificate signed by --tls-client-ca fails the handshake.
  const clientCa = opts['tls-client-ca']
    ? { ca: fs.readFileSync(opts['tls-client-ca']), requestCert: true, rejectUnauthorized: true }
    : {};
  const server = opts['tls-cert']
    ? https.createServer({ cert: fs.readFileSync(opts['tls-cert']), key: fs.readFileSync(opts['tls-key']), ...clientCa }, handler)
    : http.createServer(handler);
  // Idle connections stay open: an exporter reusing one must never race
  // Node's default 5 s idle close, which would look like a dropped request.
  server.keepAliveTimeout = 0;
  // Malformed HTTP is reported like any other garbage; a client resetting an
  // idle connection is no event.
  server.on('clientError', (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    emit({ kind: 'error', path: null, message: `${err.code || 'HTTP'}: ${err.message}` });
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), '127.0.0.1', () => resolve(server.address().port));
  });
}

// The X-Ray daemon's datagram: a JSON header line, a newline, one segment document.
function decodeXray(msg) {
  const text = msg.toString('utf8');
  const newline = text.indexOf('\n');
  if (newline < 0) throw new Error('no newline after the header');
  return { header: JSON.parse(text.slice(0, newline)), document: JSON.parse(text.slice(newline + 1)) };
}

// A datagram that does not decode is reported, never fatal.
function listenUdp(port, protocolName) {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg) => {
    try {
      const decoded = protocolName === 'xray'
        ? { kind: 'xray', ...decodeXray(msg) }
        : { kind: `jaeger-udp-${protocolName}`, ...jaeger.decodeEmitBatch(msg, protocolName) };
      emit({ ...decoded, bytes: msg.length });
    } catch (e) {
      emit({ kind: 'error', path: `udp-${protocolName}`, message: describe(e), bytes: msg.length });
    }
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(Number(port), '127.0.0.1', () => resolve(socket.address().port));
  });
}

async function main() {
  const ports = {
    http: await listenHttp(opts['http-port']),
    udpCompact: await listenUdp(opts['udp-compact-port'], 'compact'),
    udpBinary: await listenUdp(opts['udp-binary-port'], 'binary'),
    udpXray: await listenUdp(opts['udp-xray-port'], 'xray'),
  };
  process.stdin.on('end', () => process.exit(0)).resume();
  process.stdout.write(`READY ${JSON.stringify(ports)}\n`);
}

// process.exit runs the 'exit' handlers (temporary thrift code is removed there).
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
main().catch((e) => {
  process.stderr.write(`receiver.js: ${e.stack || e}\n`);
  process.exit(1);
});
