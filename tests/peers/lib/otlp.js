'use strict';
// OTLP/HTTP trace payloads, decoded only by the protobufjs code that the
// OpenTelemetry project generated from opentelemetry-proto and shipped in
// @opentelemetry/otlp-transformer 0.216.0 (later releases dropped the request
// decoder). Protobuf and JSON requests end up in one canonical form so that a
// test compares both encodings the same way.

const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');

const { ExportTraceServiceRequest, ExportTraceServiceResponse } =
  root.opentelemetry.proto.collector.trace.v1;

// The canonical form: protobufjs' own toObject, with every field present
// (proto3 scalars cannot tell "unset" from "default", so tests need not
// either), 64-bit integers as decimal strings, enums as integers and bytes as
// base64. Unset message fields are null; of a oneof only the set member shows.
const CANONICAL = { longs: String, enums: Number, bytes: String, defaults: true, arrays: true };

// OTLP/JSON writes these bytes fields as hex instead of base64
// (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding").
const HEX_ID_LENGTHS = { traceId: 32, spanId: 16, parentSpanId: 16 };

function mapIds(value, convert) {
  if (Array.isArray(value)) return value.map((v) => mapIds(v, convert));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key in HEX_ID_LENGTHS && typeof v === 'string' ? convert(key, v) : mapIds(v, convert);
  }
  return out;
}

const base64ToHex = (_key, b64) => Buffer.from(b64, 'base64').toString('hex');

function canonical(message) {
  return mapIds(ExportTraceServiceRequest.toObject(message, CANONICAL), base64ToHex);
}

function decodeProtobuf(body) {
  return canonical(ExportTraceServiceRequest.decode(body));
}

// Strict on what an exporter writes: lowercase hex of the exact length; the
// empty string only for a missing parent.
function hexIdToBase64(key, hex) {
  if (key === 'parentSpanId' && hex === '') return '';
  if (hex.length !== HEX_ID_LENGTHS[key] || !/^[0-9a-f]*$/.test(hex)) {
    throw new Error(`${key} "${hex}" is not ${HEX_ID_LENGTHS[key]} lowercase hex digits`);
  }
  return Buffer.from(hex, 'hex').toString('base64');
}

const DECIMAL = /^-?[0-9]+$/;

// fromObject silently ignores unknown keys and coerces mistyped values, so
// every value of the request must survive a round trip through the generated
// code unchanged. Two renderings tell 64-bit fields (string with longs:String,
// number with longs:Number) from the rest, which must match exactly.
function checkRoundTrip(input, asString, asNumber, path) {
  if (input === null) return; // JSON null means "default" in the protobuf JSON mapping
  if (Array.isArray(input)) {
    if (!Array.isArray(asString) || asString.length !== input.length) throw new Error(`${path}: not a list`);
    input.forEach((v, i) => checkRoundTrip(v, asString[i], asNumber[i], `${path}[${i}]`));
    return;
  }
  if (typeof input === 'object') {
    if (asString === null || typeof asString !== 'object' || Array.isArray(asString)) {
      throw new Error(`${path}: unexpected object`);
    }
    for (const key of Object.keys(input)) {
      if (!(key in asString)) throw new Error(`${path}.${key}: unknown field`);
      checkRoundTrip(input[key], asString[key], asNumber[key], `${path}.${key}`);
    }
    return;
  }
  if (typeof asString === 'string' && typeof asNumber === 'number') {
    const ok = typeof input === 'number' ? Number.isSafeInteger(input) : DECIMAL.test(input);
    if (!ok || BigInt(input) !== BigInt(asString)) {
      throw new Error(`${path}: ${JSON.stringify(input)} is not a 64-bit integer (decimal string or safe integer)`);
    }
    return;
  }
  if (input !== asString) {
    throw new Error(`${path}: ${JSON.stringify(input)} does not fit this field (read back as ${JSON.stringify(asString)})`);
  }
}

function decodeJson(body) {
  const parsed = JSON.parse(body.toString('utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('the body is not a JSON object');
  }
  const input = mapIds(parsed, hexIdToBase64);
  // The generated fromObject takes fixed64 values as signed (protobufjs marks
  // only uint64 unsigned there); a trip over the wire lets the generated
  // decoder, which reads fixed64 unsigned, give the values the protobuf path gives.
  const message = ExportTraceServiceRequest.decode(
    ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(input)).finish());
  const asNumber = ExportTraceServiceRequest.toObject(message, { ...CANONICAL, longs: Number });
  checkRoundTrip(input, ExportTraceServiceRequest.toObject(message, CANONICAL), asNumber, '$');
  return canonical(message);
}

// partialSuccess as written in a test script: {"rejectedSpans":"3","errorMessage":"x"}.
function encodeResponse(partialSuccess, asJson) {
  const response = ExportTraceServiceResponse.fromObject(partialSuccess ? { partialSuccess } : {});
  if (asJson) return Buffer.from(JSON.stringify(ExportTraceServiceResponse.toObject(response, { longs: String })));
  return Buffer.from(ExportTraceServiceResponse.encode(response).finish());
}

module.exports = { decodeProtobuf, decodeJson, encodeResponse };
