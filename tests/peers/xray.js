#!/usr/bin/env node
'use strict';
// AWS X-Ray reference: the official AWS X-Ray SDK for Node.js (aws-xray-sdk-core) and the
// OpenTelemetry X-Ray id generator, driven by one JSON command per stdin line, one JSON
// answer per stdout line. Nothing here shares code with tracewire.
//
//   {"op":"ids","count":N}
//     -> {"traceIds":[32 hex],"spanIds":[16 hex],"before":s,"after":s}   OpenTelemetry's AWSXRayIdGenerator
//   {"op":"traceid","value":"1-xxxxxxxx-24hex"}
//     -> {"accepted":bool,"parsed":"..."}   the SDK's TraceID.FromString (rejects by logging an error)
//   {"op":"header","value":"Root=...;Parent=...;Sampled=1"}
//     -> {"root","parent","sampled"}        the SDK's processTraceData
//   {"op":"daemon","address":"..."}
//     -> {"udp":{"host","port"},"tcp":{"host","port"}} or {"error":"..."}   the SDK's daemon address parser
//   {"op":"server","name","traceId":"1-..","parentId"?,"id","start","end","method","host","path",
//    "userAgent","clientIp"?,"forwardedFor"?,"status","contentLength"?,"annotations"?,"metadata"?,"error"?:{"name","message"}}
//     -> {"document":{...}}   the segment the SDK's middleware writes for that request
//   {"op":"client","traceId","parentId","id","start","end","method","path","status","contentLength"}
//     -> {"document":{...},"header":"..."}   a real HTTP call through the SDK's captureHTTPs to a
//        local server answering `status`: the subsegment it streams and the X-Amzn-Trace-Id it sent
// A bad command gets {"error":"..."}.

// The SDK reads these when loaded; the daemon op must see its own parser's defaults.
delete process.env.AWS_XRAY_DAEMON_ADDRESS;
delete process.env.AWS_XRAY_TRACING_NAME;
process.env.AWS_XRAY_CONTEXT_MISSING = 'IGNORE_ERROR';

const http = require('http');
const readline = require('readline');
const { EventEmitter } = require('events');
const AWSXRay = require('aws-xray-sdk-core');
const TraceID = require('aws-xray-sdk-core/dist/lib/segments/attributes/trace_id');
const DaemonConfig = require('aws-xray-sdk-core/dist/lib/daemon_config');
const SegmentEmitter = require('aws-xray-sdk-core/dist/lib/segment_emitter');
const { AWSXRayIdGenerator } = require('@opentelemetry/id-generator-aws-xray');

// The SDK logs through a pluggable logger; its errors are how FromString says "invalid".
const logged = [];
AWSXRay.setLogger({ debug() {}, info() {}, warn() {}, error: (message) => logged.push(String(message)) });
AWSXRay.enableManualMode();
// Every document the SDK would send to the daemon is captured instead.
const sent = [];
SegmentEmitter.send = (segment) => sent.push(JSON.parse(segment.format()));

const idGenerator = new AWSXRayIdGenerator();

function ids(cmd) {
  const before = Math.floor(Date.now() / 1000);
  const traceIds = [];
  const spanIds = [];
  for (let i = 0; i < (cmd.count || 1); ++i) {
    traceIds.push(idGenerator.generateTraceId());
    spanIds.push(idGenerator.generateSpanId());
  }
  return { traceIds, spanIds, before, after: Math.floor(Date.now() / 1000) };
}

function traceid(cmd) {
  logged.length = 0;
  const parsed = TraceID.FromString(cmd.value).toString();
  return { accepted: logged.length === 0 && parsed === cmd.value, parsed };
}

function header(cmd) {
  const data = AWSXRay.utils.processTraceData(cmd.value);
  return { root: data.root ?? null, parent: data.parent ?? null, sampled: data.sampled ?? null };
}

function daemon(cmd) {
  Object.assign(DaemonConfig, { udp_ip: '127.0.0.1', udp_port: 2000, tcp_ip: '127.0.0.1', tcp_port: 2000 });
  try {
    DaemonConfig.setDaemonAddress(cmd.address);
  } catch (e) {
    return { error: e.message };
  }
  return {
    udp: { host: DaemonConfig.udp_ip, port: Number(DaemonConfig.udp_port) },
    tcp: { host: DaemonConfig.tcp_ip, port: Number(DaemonConfig.tcp_port) },
  };
}

// An http.IncomingMessage / http.ServerResponse pair as the middleware reads them.
function server(cmd) {
  sent.length = 0;
  AWSXRay.middleware.setDefaultName(cmd.name);
  const headers = { host: cmd.host, 'user-agent': cmd.userAgent };
  headers['x-amzn-trace-id'] = `Root=${cmd.traceId}${cmd.parentId ? `;Parent=${cmd.parentId}` : ''};Sampled=1`;
  if (cmd.forwardedFor) headers['x-forwarded-for'] = cmd.clientIp;
  const req = { method: cmd.method, url: cmd.path, headers, connection: { remoteAddress: cmd.clientIp } };
  const res = new EventEmitter();
  res.req = req;
  res.statusCode = cmd.status;
  res.headers = cmd.contentLength === undefined ? {} : { 'content-length': String(cmd.contentLength) };
  const segment = AWSXRay.middleware.traceRequestResponseCycle(req, res);
  segment.id = cmd.id;
  segment.start_time = cmd.start;
  segment.end_time = cmd.end;
  for (const [key, value] of Object.entries(cmd.annotations || {})) segment.addAnnotation(key, value);
  for (const [key, value] of Object.entries(cmd.metadata || {})) segment.addMetadata(key, value);
  if (cmd.error) {
    const error = new Error(cmd.error.message);
    error.name = cmd.error.name;
    segment.addError(error);
  }
  res.emit('finish');
  if (sent.length !== 1) throw new Error(`the middleware sent ${sent.length} documents`);
  return { document: sent[0] };
}

// A real call through the SDK's patched http module, to a server on loopback.
async function client(cmd) {
  sent.length = 0;
  let received;
  const target = http.createServer((req, res) => {
    received = req.headers['x-amzn-trace-id'];
    const body = Buffer.alloc(cmd.contentLength || 0, 'x');
    res.writeHead(cmd.status, { 'content-length': body.length }).end(body);
  });
  await new Promise((resolve) => target.listen(0, '127.0.0.1', resolve));
  try {
    const segment = new AWSXRay.Segment('caller', cmd.traceId, cmd.parentId);
    segment.id = cmd.parentId;
    const captured = AWSXRay.captureHTTPs(http, false);
    await new Promise((resolve, reject) => {
      const req = captured.request(
        { host: '127.0.0.1', port: target.address().port, path: cmd.path, method: cmd.method, XRaySegment: segment },
        (res) => {
          res.resume();
          res.on('end', resolve);
        });
      req.on('error', reject);
      req.end();
    });
    // The subsegment has closed; stream it as the SDK does for independent subsegments.
    const subsegment = segment.subsegments[0];
    subsegment.id = cmd.id;
    subsegment.start_time = cmd.start;
    subsegment.end_time = cmd.end;
    return { document: JSON.parse(subsegment.format()), header: received };
  } finally {
    target.close();
  }
}

const OPS = { ids, traceid, header, daemon, server, client };

async function answer(line) {
  try {
    const cmd = JSON.parse(line);
    if (!Object.hasOwn(OPS, cmd.op)) return { error: `unknown op ${cmd.op}` };
    return await OPS[cmd.op](cmd);
  } catch (e) {
    return { error: String(e?.message || e) };
  }
}

// One command at a time, answered in order.
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(async () => process.stdout.write(`${JSON.stringify(await answer(line))}\n`));
});
