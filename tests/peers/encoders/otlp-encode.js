#!/usr/bin/env node
'use strict';
// Encodes an OTLP/JSON ExportTraceServiceRequest (stdin) as protobuf (stdout)
// with the encode half of the OpenTelemetry-generated protobufjs code, for
// the receiver's self-test. It skips fromObject, which the receiver uses for
// JSON, and hands encode plain values: hex ids become bytes, 64-bit integers
// stay decimal strings. The self-test also checks these bytes with
// `protoc --decode_raw`, which knows no schema, against the field numbers of
// opentelemetry-proto.

const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');

const { ExportTraceServiceRequest } = root.opentelemetry.proto.collector.trace.v1;
const HEX_IDS = new Set(['traceId', 'spanId', 'parentSpanId']);

function hexIdsToBytes(value) {
  if (Array.isArray(value)) return value.map(hexIdsToBytes);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, HEX_IDS.has(k) ? Buffer.from(v, 'hex') : hexIdsToBytes(v)]));
}

const chunks = [];
process.stdin.on('data', (c) => chunks.push(c)).on('end', () => {
  const request = hexIdsToBytes(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  process.stdout.write(ExportTraceServiceRequest.encode(request).finish());
});
