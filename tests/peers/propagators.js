#!/usr/bin/env node
'use strict';
// Reference propagators: the official OpenTelemetry JS implementations of every
// format tracewire speaks, driven by one JSON command per stdin line, one JSON
// answer per stdout line.
//
//   {"op":"inject","format":F,"traceId":"32hex","spanId":"16hex","sampled":true,
//    "traceFlags":N?,"traceState":"k=v"?,"baggage":{"k":"v" | {"value":"v","metadata":"p"}}?,
//    "b3Debug":"d" | "1"?}
//     -> {"headers":{...}}
//   {"op":"extract","format":F,"headers":{"name":"value" | ["v1","v2"]}}
//     -> {"valid":bool,"traceId","spanId","traceFlags","sampled","traceState","isRemote",
//         "baggage":{"k":"v"},"baggageMetadata":{"k":"p"},"b3Debug":"d" | "1" | null}
// b3Debug is the B3 propagators' debug state, which they keep in the context next to the
// span context (as `d` from the single header, `1` from X-B3-Flags).
//   {"op":"fields","format":F} -> {"fields":[...]}
// F: tracecontext, baggage, b3 (single header), b3multi, jaeger, xray.
// A bad command gets {"error":"..."}.

const readline = require('readline');
const api = require('@opentelemetry/api');
const { W3CTraceContextPropagator, W3CBaggagePropagator, TraceState } = require('@opentelemetry/core');
const { B3Propagator, B3InjectEncoding } = require('@opentelemetry/propagator-b3');
const { JaegerPropagator } = require('@opentelemetry/propagator-jaeger');
const { AWSXRayPropagator } = require('@opentelemetry/propagator-aws-xray');
// Not exported by the package's index; the context key both B3 propagators use for debug.
const { B3_DEBUG_FLAG_KEY } = require('@opentelemetry/propagator-b3/build/src/common');

const PROPAGATORS = {
  tracecontext: new W3CTraceContextPropagator(),
  baggage: new W3CBaggagePropagator(),
  // Both B3 encodings extract either form; they differ in what they inject.
  b3: new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }),
  b3multi: new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
  jaeger: new JaegerPropagator(),
  xray: new AWSXRayPropagator(),
};

// Every format gets the same context; each propagator writes what it carries.
function contextFor(cmd) {
  let ctx = api.ROOT_CONTEXT;
  if (cmd.traceId !== undefined) {
    ctx = api.trace.setSpanContext(ctx, {
      traceId: cmd.traceId,
      spanId: cmd.spanId,
      traceFlags: cmd.traceFlags ?? (cmd.sampled ? api.TraceFlags.SAMPLED : api.TraceFlags.NONE),
      traceState: cmd.traceState === undefined ? undefined : new TraceState(cmd.traceState),
    });
  }
  if (cmd.baggage) {
    const entries = Object.fromEntries(Object.entries(cmd.baggage).map(([key, e]) => [key,
      typeof e === 'string' ? { value: e } : { value: e.value, metadata: api.baggageEntryMetadataFromString(e.metadata) }]));
    ctx = api.propagation.setBaggage(ctx, api.propagation.createBaggage(entries));
  }
  if (cmd.b3Debug !== undefined) ctx = ctx.setValue(B3_DEBUG_FLAG_KEY, cmd.b3Debug);
  return ctx;
}

function inject(propagator, cmd) {
  const headers = {};
  propagator.inject(contextFor(cmd), headers, api.defaultTextMapSetter);
  return { headers };
}

function extract(propagator, cmd) {
  // HTTP header names are case-insensitive; the propagators look them up in lowercase.
  const headers = Object.fromEntries(Object.entries(cmd.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
  const ctx = propagator.extract(api.ROOT_CONTEXT, headers, api.defaultTextMapGetter);
  const sc = api.trace.getSpanContext(ctx);
  const entries = api.propagation.getBaggage(ctx)?.getAllEntries() ?? [];
  return {
    valid: sc !== undefined && api.isSpanContextValid(sc),
    traceId: sc?.traceId ?? null,
    spanId: sc?.spanId ?? null,
    traceFlags: sc?.traceFlags ?? null,
    sampled: sc ? (sc.traceFlags & api.TraceFlags.SAMPLED) !== 0 : null,
    traceState: sc?.traceState ? sc.traceState.serialize() : null,
    isRemote: sc?.isRemote ?? null,
    baggage: Object.fromEntries(entries.map(([key, e]) => [key, e.value])),
    baggageMetadata: Object.fromEntries(entries.filter(([, e]) => e.metadata).map(([key, e]) => [key, e.metadata.toString()])),
    b3Debug: ctx.getValue(B3_DEBUG_FLAG_KEY) ?? null,
  };
}

const OPS = { inject, extract, fields: (propagator) => ({ fields: propagator.fields() }) };

function answer(line) {
  try {
    const cmd = JSON.parse(line);
    if (!Object.hasOwn(OPS, cmd.op)) throw new Error(`unknown op ${JSON.stringify(cmd.op)}`);
    if (!Object.hasOwn(PROPAGATORS, cmd.format)) throw new Error(`unknown format ${JSON.stringify(cmd.format)}`);
    return OPS[cmd.op](PROPAGATORS[cmd.format], cmd);
  } catch (e) {
    return { error: e.message };
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  process.stdout.write(`${JSON.stringify(answer(line))}\n`);
});
