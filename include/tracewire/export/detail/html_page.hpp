// html_page: the trace viewer page, generated from tools/view/page by embed_page.cmake; do not edit.
// Regenerate with `cmake --build --preset dev --target tracewire_view_page`.
#pragma once

#include <string_view>

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The page up to its data: the document head, the inline style, the layout, and the opening
/// `<script type="application/json">` tag the data goes into (HTML-safe JSON, see
/// `append_html_safe_json`).
inline constexpr std::string_view html_page_before_data[] = {
    R"twpage(<!-- The trace viewer page: tools/view/page/embed_page.cmake inlines viewer.css and viewer.js,
     puts their hashes in the content security policy and splits the page at the data
     placeholder into include/tracewire/export/detail/html_page.hpp. -->
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-SgdFI8hqf1ZcB12D6vErLDTxUpphxkF25lbiJoPlvAE='; script-src 'sha256-sAa2QhG71ZfXI52MXrZBqMc/slLF9RaxeCx4oO+a1Rg='; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>tracewire traces</title>
<style>/* The trace viewer's style: a trace list on top, the selected trace below (legend, service
   graph, waterfall with a details panel). Plain CSS, system fonts, no external resources. */
:root {
  --row-height: 24px;
  --label-width: 40%;
  --track-margin: 12px;
  --border: #d7dbe0;
  --muted: #5f6b7a;
  --error: #d1242f;
  --selected: #e8f0fe;
  --match: #fff3bf;
  --background: #ffffff;
  --panel: #f6f8fa;
  --text: #1f2328;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 13px;
  color: var(--text);
  background: var(--background);
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; height: 100vh; overflow: hidden; }
[hidden] { display: none !important; }
button { font: inherit; color: inherit; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
.muted { color: var(--muted); }

#top { display: flex; align-items: baseline; gap: 16px; padding: 8px 14px; border-bottom: 1px solid var(--border); background: var(--panel); flex: none; }
#top .brand { font-weight: 700; font-size: 15px; }
#top .title { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 40%; }
#top .summary { color: var(--muted); }
#top .notice { color: #8a4b00; background: #fff4e0; border: 1px solid #f0c47a; border-radius: 4px; padding: 1px 8px; }

#traces { flex: none; display: flex; flex-direction: column; max-height: 30vh; border-bottom: 1px solid var(--border); }
.toolbar { display: flex; align-items: center; gap: 10px; padding: 6px 14px; }
#search { width: 420px; max-width: 60%; padding: 4px 8px; border: 1px solid var(--border); border-radius: 4px; font: inherit; }
.table-scroll { overflow: auto; flex: 1 1 auto; min-height: 0; }
#trace-table { border-collapse: collapse; width: 100%; }
#trace-table th { position: sticky; top: 0; background: var(--panel); text-align: left; font-weight: 600; border-bottom: 1px solid var(--border); padding: 0; z-index: 1; }
#trace-table th button { background: none; border: 0; padding: 4px 10px; width: 100%; text-align: inherit; cursor: pointer; font-weight: 600; }
#trace-table th[aria-sort="ascending"] button::after { content: " \25B2"; font-size: 9px; }
#trace-table th[aria-sort="descending"] button::after { content: " \25BC"; font-size: 9px; }
#trace-table td { padding: 3px 10px; border-bottom: 1px solid #eef0f3; white-space: nowrap; max-width: 480px; overflow: hidden; text-overflow: ellipsis; }
#trace-table .number { text-align: right; }
#trace-table tbody tr { cursor: pointer; }
#trace-table tbody tr:hover { background: #f3f6fa; }
#trace-table tbody tr.selected { background: var(--selected); }
.root-name { font-weight: 600; }
.error-count { color: #fff; background: var(--error); border-radius: 8px; padding: 0 6px; font-weight: 600; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; flex: none; }

#trace { flex: 1 1 auto; display: flex; flex-direction: column; min-height: 0; }
.trace-head { display: flex; align-items: baseline; gap: 14px; padding: 8px 14px 2px; flex: none; min-width: 0; }
.trace-head h1 { font-size: 15px; margin: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 50%; }
.overview { display: flex; gap: 18px; padding: 4px 14px 6px; flex: none; align-items: flex-start; border-bottom: 1px solid var(--border); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; max-width: 45%; align-content: flex-start; }
.legend-item { display: inline-flex; align-items: center; white-space: nowrap; max-width: 260px; overflow: hidden; text-overflow: ellipsis; }
.graph { flex: 1 1 auto; overflow: auto; max-height: 150px; min-width: 0; }
.graph svg { display: block; }
.graph .node rect { stroke: #00000033; stroke-width: 1; }
.graph .node text { font-size: 11px; fill: #fff; }
.graph .node.error rect { stroke: var(--error); stroke-width: 2; }
.graph .edge path { fill: none; stroke: #8c959f; stroke-width: 1.5; }
.graph .edge.error path { stroke: var(--error); }
.graph .edge text { font-size: 10px; fill: var(--muted); }
.graph .edge.error text { fill: var(--error); font-weight: 600; }

.split { flex: 1 1 auto; display: flex; min-height: 0; }
.waterfall { flex: 1 1 auto; display: flex; flex-direction: column; min-width: 0; border-right: 1px solid var(--border); }
/* The axis reserves the rows' scrollbar gutter, so ticks and bars share one scale. */
.axis { display: flex; height: 26px; flex: none; border-bottom: 1px solid var(--border); background: var(--panel); overflow: hidden; scrollbar-gutter: stable; }
.axis .label-head { width: var(--label-width); flex: none; padding: 5px 10px; font-weight: 600; border-right: 1px solid var(--border); }
.lane { flex: 1 1 auto; position: relative; min-width: 0; }
.track { position: absolute; top: 0; bottom: 0; left: var(--track-margin); right: var(--track-margin); }
.axis .tick { position: absolute; top: 0; bottom: 0; border-left: 1px solid #b9c0c8; }
.axis .tick span { position: absolute; left: 3px; top: 5px; font-size: 11px; color: var(--muted); white-space: nowrap; }
.axis .tick.last span { left: auto; right: 3px; }
.rows { flex: 1 1 auto; overflow-y: auto; scrollbar-gutter: stable; overflow-x: hidden; position: relative; outline: none; }
.canvas { position: relative; }
.grid { position: absolute; top: 0; bottom: 0; left: calc(var(--label-width) + var(--track-margin)); right: var(--track-margin); pointer-events: none; }
.grid .gridline { position: absolute; top: 0; bottom: 0; border-left: 1px solid #eef0f3; }
.row { position: absolute; left: 0; right: 0; height: var(--row-height); display: flex; cursor: pointer; border-bottom: 1px solid #f2f4f6; }
.row:hover { background: #f6f8fb; }
.row.match { background: var(--match); }
.row.selected { background: var(--selected); }
.row .label { width: var(--label-width); flex: none; display: flex; align-items: center; gap: 2px; overflow: hidden; white-space: nowrap; border-right: 1px solid var(--border); padding-right: 6px; }
.row .toggle { width: 16px; height: 16px; padding: 0; border: 0; background: none; cursor: pointer; color: var(--muted); flex: none; font-size: 10px; line-height: 16px; }
.row .toggle-space { width: 16px; flex: none; }
.row .name { overflow: hidden; text-overflow: ellipsis; min-width: 0; }
.row .service { color: var(--muted); margin-left: 6px; overflow: hidden; text-overflow: ellipsis; flex: 0 1 auto; min-width: 30px; }
.error-mark { display: inline-block; width: 14px; height: 14px; line-height: 14px; text-align: center; border-radius: 50%; background: var(--error); color: #fff; font-weight: 700; font-size: 10px; margin-right: 3px; flex: none; }
.badge { font-size: 10px; border: 1px solid #c9a227; color: #7a5c00; background: #fff8db; border-radius: 3px; padding: 0 4px; margin-left: 6px; flex: none; }
.row .bar { position: absolute; top: 5px; height: 14px; min-width: 1px; border-radius: 2px; }
.row.error .bar { box-shadow: 0 0 0 2px var(--error); }
.row .event { position: absolute; top: 3px; width: 2px; height: 18px; margin-left: -1px; background: #1f2328; opacity: 0.75; }
.row .duration { position: absolute; top: 4px; font-size: 11px; color: var(--muted); white-space: nowrap; }
.row .duration.inside { color: #fff; text-shadow: 0 0 2px #000a; }

.details { width: 32%; flex: none; overflow: auto; padding: 8px 14px 24px; background: #fcfcfd; }
.details h2 { font-size: 14px; margin: 4px 0 8px; overflow-wrap: anywhere; }
.details h3 { font-size: 12px; margin: 14px 0 4px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.details table { border-collapse: collapse; width: 100%; table-layout: fixed; }
.details td { border-top: 1px solid #eef0f3; padding: 3px 6px 3px 0; vertical-align: top; }
.details td.key { width: 40%; color: var(--muted); overflow-wrap: anywhere; }
.details td.value { white-space: pre-wrap; overflow-wrap: anywhere; }
.details .long { max-height: 14em; overflow: auto; }
.details .more { margin-top: 2px; border: 1px solid var(--border); background: #fff; border-radius: 3px; cursor: pointer; font-size: 11px; }
.details .event-item, .details .link-item { margin: 6px 0; padding: 4px 6px; border-left: 3px solid var(--border); background: #fff; }
.details .link-target { border: 0; background: none; color: #0969da; text-decoration: underline; cursor: pointer; padding: 0; text-align: left; }
.details .status-error { color: var(--error); font-weight: 600; }
.empty { padding: 40px; text-align: center; color: var(--muted); font-size: 15px; }
</style>
</head>
<body>
<header id="top">
  <span class="brand">tracewire</span>
  <span id="title" class="title"></span>
  <span id="summary" class="summary"></span>
  <span id="notice" class="notice" hidden></span>
</header>
<section id="traces" aria-label="Traces">
  <div class="toolbar">
    <input id="search" type="search" placeholder="Search span names, services, attribute values, ids" autocomplete="off" spellcheck="false" aria-label="Search">
    <span id="match-count" class="muted"></span>
  </div>
  <div class="table-scroll">
    <table id="trace-table">
      <thead>
        <tr>
          <th><button type="button" data-sort="start">Start</button></th>
          <th><button type="button" data-sort="root">Root span</button></th>
          <th><button type="button" data-sort="services">Services</button></th>
          <th class="number"><button type="button" data-sort="spans">Spans</button></th>
          <th class="number"><button type="button" data-sort="duration">Duration</button></th>
          <th class="number"><button type="button" data-sort="errors">Errors</button></th>
        </tr>
      </thead>
      <tbody id="trace-rows"></tbody>
    </table>
  </div>
</section>
<section id="trace" aria-label="Selected trace" hidden>
  <div class="trace-head">
    <h1 id="trace-title"></h1>
    <div id="trace-meta" class="muted"></div>
  </div>
  <div class="overview">
    <div id="legend" class="legend" aria-label="Services"></div>
    <div id="graph" class="graph" aria-label="Service graph"></div>
  </div>
  <div class="split">
    <div class="waterfall" id="waterfall">
      <div class="axis" id="axis">
        <div class="label-head">Span</div>
        <div class="lane"><div class="track" id="axis-track"></div></div>
      </div>
      <div class="rows" id="rows" tabindex="0">
        <div class="canvas" id="canvas">
          <div class="grid" id="grid"></div>
        </div>
      </div>
    </div>
    <aside id="details" class="details" aria-label="Span details">
      <p class="muted">Click a span to see its details.</p>
    </aside>
  </div>
</section>
<p id="empty" class="empty" hidden></p>
<script type="application/json" id="tracewire-data">)twpage",
};

/// The page after its data: the closing tag of the data block and the inline script.
inline constexpr std::string_view html_page_after_data[] = {
    R"twpage(</script>
<script>// The trace viewer's script: reads the page's JSON data block, lists the traces and draws the
// selected one (waterfall, legend, service graph, span details). Data reaches the document
// only through textContent and attribute setters, never as markup.
(function () {
  'use strict';

  var ROW_HEIGHT = 24;
  var OVERSCAN = 12;
  var ROW_TEXT_LIMIT = 300;       // characters of a name shown in a row or a table cell
  var DETAIL_TEXT_LIMIT = 10000;  // characters of a value shown before "Show all"
  var INDENT = 14;                // pixels per level of the span tree
  var MAX_INDENT = 420;
  var KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
  var STATUS = ['unset', 'ok', 'error'];
  var PALETTE = ['#1f77b4', '#e8710a', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf',
                 '#7f7f7f', '#bcbd22', '#3b5bdb', '#c2255c', '#087f5b', '#5c940d', '#862e9c',
                 '#a61e4d', '#1864ab'];

  var byId = function (id) { return document.getElementById(id); };

  // ---- reading the data ------------------------------------------------------------------

  function text(value) { return typeof value === 'string' ? value : ''; }
  function integer(value) { return typeof value === 'number' && isFinite(value) ? Math.round(value) : 0; }
  function pairs(value) {
    var out = [];
    if (!Array.isArray(value)) return out;
    for (var i = 0; i < value.length; i++) {
      var pair = value[i];
      if (Array.isArray(pair) && pair.length >= 2) out.push({key: text(pair[0]), value: pair[1]});
    }
    return out;
  }
  function valueText(value) {
    if (typeof value === 'string') return value;
    try { return JSON.stringify(value); } catch (error) { return String(value); }
  }
  function clip(value, limit) {
    return value.length > limit ? value.slice(0, limit) + '\u2026' : value;
  }

  function readData() {
    var element = byId('tracewire-data');
    var raw = element ? element.textContent : '';
    if (raw.trim() === '') return {traces: []};
    try {
      var data = JSON.parse(raw);
      return data && typeof data === 'object' ? data : {traces: []};
    } catch (error) {
      return {traces: [], error: 'The page\'s data cannot be read: ' + error.message};
    }
  }

  function buildModel(data) {
    var model = {
      title: text(data.title),
      generator: text(data.generator),
      error: text(data.error),
      base: text(data.baseTimeUnixNano) || '0',
      leftOut: data.leftOut && typeof data.leftOut === 'object' ? data.leftOut : {},
      origins: [],
      services: new Map(),
      traces: [],
      spanCount: 0
    };
    model.baseMs = Number(model.base) / 1e6;
    var origins = Array.isArray(data.origins) ? data.origins : [];
    for (var i = 0; i < origins.length; i++) {
      var origin = origins[i] && typeof origins[i] === 'object' ? origins[i] : {};
      model.origins.push({
        service: text(origin.service) || 'unknown_service',
        resource: pairs(origin.resource),
        scope: text(origin.scope),
        version: text(origin.version)
      });
    }
    model.origins.push({service: 'unknown_service', resource: [], scope: '', version: ''});
    var names = model.origins.map(function (o) { return o.service; });
    names = Array.from(new Set(names)).sort();
    names.forEach(function (name, index) { model.services.set(name, {name: name, color: PALETTE[index % PALETTE.length]}); });

    var traces = Array.isArray(data.traces) ? data.traces : [];
    for (var t = 0; t < traces.length; t++) {
      var trace = buildTrace(model, traces[t], model.traces.length);
      if (trace) {
        model.traces.push(trace);
        model.spanCount += trace.spans.length;
      }
    }
    var used = new Set();
    model.traces.forEach(function (trace) { trace.services.forEach(function (service) { used.add(service); }); });
    model.serviceCount = used.size;
    return model;
  }

  function originOf(model, index) {
    return model.origins[index >= 0 && index < model.origins.length - 1 ? index : model.origins.length - 1];
  }

  function buildSpan(model, raw, index) {
    raw = raw && typeof raw === 'object' ? raw : {};
    var origin = originOf(model, integer(raw.o));
    var start = typeof raw.s === 'number' && isFinite(raw.s) ? raw.s : 0;
    var duration = typeof raw.d === 'number' && isFinite(raw.d) ? raw.d : 0;
    var events = [];
    if (Array.isArray(raw.e)) {
      raw.e.forEach(function (event) {
        if (!Array.isArray(event)) return;
        events.push({offset: typeof event[0] === 'number' ? event[0] : 0, name: text(event[1]), attributes: pairs(event[2])});
      });
    }
    var links = [];
    if (Array.isArray(raw.l)) {
      raw.l.forEach(function (link) {
        if (!Array.isArray(link)) return;
        links.push({traceId: text(link[0]), spanId: text(link[1]), attributes: pairs(link[2])});
      });
    }
    return {
      index: index,
      id: text(raw.i),
      parentId: text(raw.p),
      remoteParent: raw.r === 1,
      name: text(raw.n),
      kind: integer(raw.k),
      origin: origin,
      service: origin.service,
      start: start,
      duration: Math.max(0, duration),
      negative: duration < 0,
      status: integer(raw.c),
      message: text(raw.m),
      attributes: pairs(raw.a),
      droppedAttributes: integer(raw.da),
      events: events,
      links: links,
      children: [],
      parent: null,
      depth: 0,
      orphan: false,
      cycle: false
    };
  }

  // Spans become a tree by parent id; spans whose parent is not in the trace are shown as
  // orphans at the top level, and a parent cycle (bad input) is broken where it is entered.
  function buildTrace(model, raw, index) {
    if (!raw || typeof raw !== 'object' || !Array.isArray(raw.spans)) return null;
    var spans = raw.spans.map(function (span, i) { return buildSpan(model, span, i); });
    if (spans.length === 0) return null;
    var ids = new Map();
    spans.forEach(function (span) { if (!ids.has(span.id)) ids.set(span.id, span); });
    var roots = [];
    spans.forEach(function (span) {
      var parent = span.parentId ? ids.get(span.parentId) : undefined;
      if (parent && parent !== span) {
        span.parent = parent;
        parent.children.push(span);
      } else {
        span.orphan = span.parentId !== '';
        roots.push(span);
      }
    });
    var byStart = function (a, b) { return a.start - b.start || a.index - b.index; };
    spans.forEach(function (span) { if (span.children.length > 1) span.children.sort(byStart); });
    roots.sort(function (a, b) { return (a.orphan - b.orphan) || byStart(a, b); });

    var order = [];
    var visited = new Uint8Array(spans.length);
    var walk = function (root) {
      var stack = [[root, 0]];
      while (stack.length) {
        var top = stack.pop();
        var span = top[0];
        if (visited[span.index]) continue;
        visited[span.index] = 1;
        span.depth = top[1];
        order.push(span);
        for (var c = span.children.length - 1; c >= 0; c--) {
          if (!visited[span.children[c].index]) stack.push([span.children[c], top[1] + 1]);
        }
      }
    };
    roots.forEach(walk);
    if (order.length < spans.length) {
      spans.slice().sort(byStart).forEach(function (span) {
        if (visited[span.index]) return;
        span.cycle = true;
        span.orphan = true;
        walk(span);
      });
    }

    var start = Infinity, end = -Infinity, errors = 0;
    var services = [];
    var seen = new Set();
    order.forEach(function (span) {
      start = Math.min(start, span.start);
      end = Math.max(end, span.start + span.duration);
      if (span.status === 2) errors++;
      if (!seen.has(span.service)) { seen.add(span.service); services.push(span.service); }
    });
    var root = order[0];
    return {
      index: index,
      id: text(raw.id),
      spans: spans,
      order: order,
      ids: ids,
      root: root,
      start: start,
      end: end,
      duration: Math.max(0, end - start),
      errors: errors,
      services: services,
      orphans: roots.filter(function (span) { return span.orphan; }).length
    };
  }

  // ---- formatting ------------------------------------------------------------------------

  function threeDigits(value) {
    return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  }
  function formatDuration(ns) {
    if (!(ns >= 0)) return '?';
    if (ns < 1e3) return ns.toFixed(0) + ' ns';
    if (ns < 1e6) return threeDigits(ns / 1e3) + ' \u00b5s';
    if (ns < 1e9) return threeDigits(ns / 1e6) + ' ms';
    if (ns < 60e9) return threeDigits(ns / 1e9) + ' s';
    var minutes = Math.floor(ns / 60e9);
    if (minutes < 60) return minutes + ' min ' + ((ns - minutes * 60e9) / 1e9).toFixed(0) + ' s';
    var hours = Math.floor(minutes / 60);
    return hours + ' h ' + (minutes - hours * 60) + ' min';
  }
  function pad(number, width) { var s = String(number); while (s.length < width) s = '0' + s; return s; }
  function formatTime(offsetNs) {
    var date = new Date(model.baseMs + offsetNs / 1e6);
    if (isNaN(date.getTime())) return '?';
    return date.getFullYear() + '-' + pad(date.getMonth() + 1, 2) + '-' + pad(date.getDate(), 2) + ' ' +
      pad(date.getHours(), 2) + ':' + pad(date.getMinutes(), 2) + ':' + pad(date.getSeconds(), 2) + '.' +
      pad(date.getMilliseconds(), 3);
  }
  function unixNano(offsetNs) {
    try {
      return (BigInt(model.base) + BigInt(Math.round(offsetNs))).toString();
    } catch (error) {
      return '';
    }
  }

  // The unit of an axis: the largest one in which the step between ticks is at least 1, so
  // labels are whole numbers or nearly (250 ms, 500 ms, ... rather than 0.25 s).
  var UNITS = [[1, 'ns'], [1e3, '\u00b5s'], [1e6, 'ms'], [1e9, 's']];
  function axisUnit(step) {
    var unit = UNITS[0];
    for (var i = 0; i < UNITS.length; i++) if (step >= UNITS[i][0]) unit = UNITS[i];
    return unit;
  }
  function niceStep(duration, count) {
    var raw = duration / count;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * power >= raw) return steps[i] * power;
    return 10 * power;
  }
  function tickLabel(ns, unit, step) {
    if (ns === 0) return '0';
    var decimals = 0;  // as many as the step needs (a step of 2.5 needs one)
    while (decimals < 6 && Math.abs(Math.round(step / unit[0] * Math.pow(10, decimals)) - step / unit[0] * Math.pow(10, decimals)) > 1e-6) decimals++;
    return (ns / unit[0]).toFixed(decimals) + ' ' + unit[1];
  }

  // ---- DOM helpers -----------------------------------------------------------------------

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined && content !== null) node.textContent = content;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function colorOf(service) {
    var entry = model.services.get(service);
    return entry ? entry.color : '#999999';
  }
  function swatch(service) {
    var node = element('span', 'swatch');
    node.style.background = colorOf(service);
    return node;
  }
  function errorMark() {
    var node = element('span', 'error-mark', '!');
    node.title = 'error';
    return node;
  }

  // ---- state -----------------------------------------------------------------------------

  var model;
  var state = {
    sortKey: 'start', sortDescending: true, query: '', visibleTraces: [],
    trace: null, span: null, collapsed: new Set(), rows: [], rendered: ''
  };

  // ---- the trace list --------------------------------------------------------------------

  var SORTS = {
    start: function (a, b) { return a.start - b.start; },
    root: function (a, b) { return a.root.name.localeCompare(b.root.name); },
)twpage",
    R"twpage(    services: function (a, b) { return a.services.length - b.services.length || a.services.join().localeCompare(b.services.join()); },
    spans: function (a, b) { return a.spans.length - b.spans.length; },
    duration: function (a, b) { return a.duration - b.duration; },
    errors: function (a, b) { return a.errors - b.errors; }
  };

  function spanSearchText(span) {
    if (span.searchText === undefined) {
      var parts = [span.name, span.service, span.id, span.message];
      span.attributes.forEach(function (a) { parts.push(a.key, valueText(a.value)); });
      span.events.forEach(function (event) {
        parts.push(event.name);
        event.attributes.forEach(function (a) { parts.push(valueText(a.value)); });
      });
      span.searchText = parts.join('\n').toLowerCase();
    }
    return span.searchText;
  }
  function spanMatches(span) {
    return state.query !== '' && spanSearchText(span).indexOf(state.query) >= 0;
  }
  function traceMatches(trace) {
    if (state.query === '') return true;
    if (trace.id.indexOf(state.query) === 0) return true;
    for (var i = 0; i < trace.spans.length; i++) if (spanMatches(trace.spans[i])) return true;
    return false;
  }

  function renderTraceList() {
    var sort = SORTS[state.sortKey] || SORTS.start;
    var direction = state.sortDescending ? -1 : 1;
    state.visibleTraces = model.traces.filter(traceMatches).sort(function (a, b) {
      return direction * sort(a, b) || a.index - b.index;
    });
    var headers = document.querySelectorAll('#trace-table th');
    for (var h = 0; h < headers.length; h++) {
      var key = headers[h].querySelector('button').getAttribute('data-sort');
      if (key === state.sortKey) headers[h].setAttribute('aria-sort', state.sortDescending ? 'descending' : 'ascending');
      else headers[h].removeAttribute('aria-sort');
    }
    var body = byId('trace-rows');
    clear(body);
    var fragment = document.createDocumentFragment();
    state.visibleTraces.forEach(function (trace) {
      var row = element('tr');
      row.setAttribute('data-trace', String(trace.index));
      if (trace === state.trace) row.className = 'selected';
      row.appendChild(element('td', 'mono', formatTime(trace.start)));
      var root = element('td');
      root.appendChild(swatch(trace.root.service));
      root.appendChild(element('span', 'root-name', clip(trace.root.name, ROW_TEXT_LIMIT)));
      root.appendChild(element('span', 'muted', ' ' + clip(trace.root.service, ROW_TEXT_LIMIT)));
      root.title = clip(trace.root.name, 1000);
      row.appendChild(root);
      var services = element('td');
      trace.services.slice(0, 8).forEach(function (service) {
        var item = swatch(service);
        item.title = clip(service, 200);
        services.appendChild(item);
      });
      services.appendChild(element('span', 'muted', String(trace.services.length)));
      row.appendChild(services);
      row.appendChild(element('td', 'number', String(trace.spans.length)));
      row.appendChild(element('td', 'number', formatDuration(trace.duration)));
      var errors = element('td', 'number');
      if (trace.errors > 0) errors.appendChild(element('span', 'error-count', String(trace.errors)));
      row.appendChild(errors);
      fragment.appendChild(row);
    });
    body.appendChild(fragment);
    byId('match-count').textContent = state.query === '' ? '' :
      state.visibleTraces.length + ' of ' + model.traces.length + ' traces match';
  }

  // ---- the selected trace ----------------------------------------------------------------

  function selectTrace(trace, span) {
    if (trace !== state.trace) {
      state.trace = trace;
      state.collapsed = new Set();
      state.span = null;
      byId('trace').hidden = false;
      var rows = byId('trace-rows').children;
      for (var i = 0; i < rows.length; i++) {
        rows[i].classList.toggle('selected', rows[i].getAttribute('data-trace') === String(trace.index));
      }
      renderTraceHead(trace);
      renderLegend(trace);
      renderGraph(trace);
      renderAxis(trace);
      computeRows();
      byId('rows').scrollTop = 0;
    }
    selectSpan(span || null);
  }

  function renderTraceHead(trace) {
    byId('trace-title').textContent = clip(trace.root.name, ROW_TEXT_LIMIT);
    byId('trace-title').title = clip(trace.root.name, 1000);
    var parts = ['trace ' + trace.id, formatTime(trace.start), formatDuration(trace.duration),
      trace.spans.length + (trace.spans.length === 1 ? ' span' : ' spans'),
      trace.services.length + (trace.services.length === 1 ? ' service' : ' services')];
    if (trace.errors) parts.push(trace.errors + (trace.errors === 1 ? ' error' : ' errors'));
    if (trace.orphans) parts.push(trace.orphans + (trace.orphans === 1 ? ' orphan' : ' orphans') + ' (parent not in the data)');
    byId('trace-meta').textContent = parts.join(' \u00b7 ');
  }

  function renderLegend(trace) {
    var legend = byId('legend');
    clear(legend);
    var counts = new Map();
    trace.spans.forEach(function (span) { counts.set(span.service, (counts.get(span.service) || 0) + 1); });
    trace.services.forEach(function (service) {
      var item = element('span', 'legend-item');
      item.setAttribute('data-service', service);
      item.appendChild(swatch(service));
      item.appendChild(element('span', 'legend-name', clip(service, 80)));
      item.appendChild(element('span', 'muted', '\u00a0' + counts.get(service)));
      item.title = clip(service, 200);
      legend.appendChild(item);
    });
  }

  // A small caller -> callee graph of the trace's services: an edge for each parent span
  // whose child runs in another service, counting the calls and the calls that failed.
  function serviceGraph(trace) {
    var edges = new Map();
    var nodes = new Map();
    trace.services.forEach(function (service) { nodes.set(service, {service: service, spans: 0, errors: 0, rank: -1}); });
    trace.spans.forEach(function (span) {
      var node = nodes.get(span.service);
      node.spans++;
      if (span.status === 2) node.errors++;
      if (!span.parent || span.parent.service === span.service) return;
      var key = JSON.stringify([span.parent.service, span.service]);
      var edge = edges.get(key);
      if (!edge) {
        edge = {from: span.parent.service, to: span.service, calls: 0, errors: 0};
        edges.set(key, edge);
      }
      edge.calls++;
      if (span.status === 2 || span.parent.status === 2) edge.errors++;
    });
    return {nodes: nodes, edges: Array.from(edges.values())};
  }

  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attributes) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    return node;
  }

  function renderGraph(trace) {
    var container = byId('graph');
    clear(container);
    var graph = serviceGraph(trace);
    // Ranks: breadth first from the root's service, then from any service not reached.
    var outgoing = new Map();
    graph.edges.forEach(function (edge) {
      if (!outgoing.has(edge.from)) outgoing.set(edge.from, []);
      outgoing.get(edge.from).push(edge.to);
    });
    var queue = [];
    var rankFrom = function (service) {
      if (graph.nodes.get(service).rank >= 0) return;
      graph.nodes.get(service).rank = 0;
      queue.push(service);
      while (queue.length) {
        var current = queue.shift();
        (outgoing.get(current) || []).forEach(function (next) {
          var node = graph.nodes.get(next);
          if (node.rank < 0) {
            node.rank = graph.nodes.get(current).rank + 1;
            queue.push(next);
          }
        });
      }
    };
    rankFrom(trace.root.service);
    trace.services.forEach(rankFrom);
    var columns = [];
    trace.services.forEach(function (service) {
      var node = graph.nodes.get(service);
      if (!columns[node.rank]) columns[node.rank] = [];
      node.row = columns[node.rank].length;
      columns[node.rank].push(node);
    });
    var NODE_W = 150, NODE_H = 26, GAP_X = 120, GAP_Y = 14;
    var rows = Math.max.apply(null, columns.map(function (column) { return column ? column.length : 0; }));
    var width = columns.length * (NODE_W + GAP_X) - GAP_X + 20;
    var height = rows * (NODE_H + GAP_Y) - GAP_Y + 28;
    var root = svg('svg', {width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img'});
    var defs = svg('defs');
    ['arrow', 'arrow-error'].forEach(function (id) {
      var marker = svg('marker', {id: id, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse'});
      marker.appendChild(svg('path', {d: 'M 0 0 L 10 5 L 0 10 z', fill: id === 'arrow' ? '#8c959f' : '#d1242f'}));
      defs.appendChild(marker);
    });
    root.appendChild(defs);
    var position = function (node) { return {x: 10 + node.rank * (NODE_W + GAP_X), y: 14 + node.row * (NODE_H + GAP_Y)}; };
    graph.edges.forEach(function (edge) {
      var from = position(graph.nodes.get(edge.from));
      var to = position(graph.nodes.get(edge.to));
      var group = svg('g', {'class': 'edge' + (edge.errors ? ' error' : '')});
      group.setAttribute('data-from', edge.from);
      group.setAttribute('data-to', edge.to);
      group.setAttribute('data-calls', String(edge.calls));
      group.setAttribute('data-errors', String(edge.errors));
      var x1, y1, x2, y2, d;
      if (to.x > from.x) {
        x1 = from.x + NODE_W; y1 = from.y + NODE_H / 2; x2 = to.x; y2 = to.y + NODE_H / 2;
        d = 'M ' + x1 + ' ' + y1 + ' C ' + (x1 + GAP_X / 2) + ' ' + y1 + ', ' + (x2 - GAP_X / 2) + ' ' + y2 + ', ' + x2 + ' ' + y2;
      } else {  // a call back to an earlier or the same column: a loop under the nodes
        x1 = from.x + NODE_W / 2 + 10; y1 = from.y + NODE_H; x2 = to.x + NODE_W / 2 - 10; y2 = to.y + NODE_H;
        d = 'M ' + x1 + ' ' + y1 + ' C ' + x1 + ' ' + (y1 + 24) + ', ' + x2 + ' ' + (y2 + 24) + ', ' + x2 + ' ' + y2;
      }
      group.appendChild(svg('path', {d: d, 'marker-end': 'url(#' + (edge.errors ? 'arrow-error' : 'arrow') + ')'}));
      var label = svg('text', {x: (x1 + x2) / 2, y: Math.min(y1, y2) + (to.x > from.x ? -4 : 30), 'text-anchor': 'middle'});
      label.textContent = edge.calls + (edge.calls === 1 ? ' call' : ' calls') +
        (edge.errors ? ', ' + edge.errors + (edge.errors === 1 ? ' error' : ' errors') : '');
      group.appendChild(label);
      var title = svg('title');
      title.textContent = edge.from + ' \u2192 ' + edge.to + ': ' + label.textContent;
      group.appendChild(title);
      root.appendChild(group);
    });
    graph.nodes.forEach(function (node) {
      var p = position(node);
      var group = svg('g', {'class': 'node' + (node.errors ? ' error' : ''), transform: 'translate(' + p.x + ',' + p.y + ')'});
      group.setAttribute('data-service', node.service);
      group.appendChild(svg('rect', {width: NODE_W, height: NODE_H, rx: 4, fill: colorOf(node.service)}));
      var label = svg('text', {x: 8, y: 17});
      label.textContent = clip(node.service, 17) + ' (' + node.spans + ')';
      group.appendChild(label);
      var title = svg('title');
      title.textContent = clip(node.service, 200) + ': ' + node.spans + ' spans' + (node.errors ? ', ' + node.errors + ' errors' : '');
      group.appendChild(title);
      root.appendChild(group);
    });
    container.appendChild(root);
  }

  function renderAxis(trace) {
    var track = byId('axis-track');
    var grid = byId('grid');
    clear(track);
    clear(grid);
    var duration = trace.duration;
    if (!(duration > 0)) {
      var only = element('div', 'tick');
      only.style.left = '0%';
      only.appendChild(element('span', null, '0'));
      track.appendChild(only);
      return;
    }
    var step = niceStep(duration, 6);
    var unit = axisUnit(step);
    var ticks = [];
)twpage",
    R"twpage(    for (var at = 0; at <= duration * (1 + 1e-9); at += step) ticks.push(at);
    ticks.forEach(function (at, i) {
      var left = (100 * at / duration) + '%';
      var tick = element('div', 'tick' + (i === ticks.length - 1 && at / duration > 0.9 ? ' last' : ''));
      tick.style.left = left;
      tick.appendChild(element('span', null, tickLabel(at, unit, step)));
      track.appendChild(tick);
      var line = element('div', 'gridline');
      line.style.left = left;
      grid.appendChild(line);
    });
  }

  // The rows shown: the trace's spans in tree order, without the descendants of collapsed spans.
  function computeRows() {
    var trace = state.trace;
    var rows = [];
    var skipDeeperThan = -1;
    trace.order.forEach(function (span) {
      if (skipDeeperThan >= 0) {
        if (span.depth > skipDeeperThan) return;
        skipDeeperThan = -1;
      }
      rows.push(span);
      if (state.collapsed.has(span.index)) skipDeeperThan = span.depth;
    });
    state.rows = rows;
    byId('canvas').style.height = (rows.length * ROW_HEIGHT) + 'px';
    state.rendered = '';
    renderRows();
  }

  function makeRow(span, position) {
    var trace = state.trace;
    var row = element('div', 'row');
    if (span.status === 2) row.classList.add('error');
    if (span === state.span) row.classList.add('selected');
    if (spanMatches(span)) row.classList.add('match');
    row.style.top = (position * ROW_HEIGHT) + 'px';
    row.setAttribute('data-span', String(span.index));
    row.setAttribute('data-depth', String(span.depth));

    var label = element('div', 'label');
    label.style.paddingLeft = (4 + Math.min(span.depth * INDENT, MAX_INDENT)) + 'px';
    if (span.children.length) {
      var toggle = element('button', 'toggle', state.collapsed.has(span.index) ? '\u25b8' : '\u25be');
      toggle.type = 'button';
      toggle.title = state.collapsed.has(span.index) ? 'Show the ' + span.children.length + ' children' : 'Hide the children';
      label.appendChild(toggle);
    } else {
      label.appendChild(element('span', 'toggle-space'));
    }
    label.appendChild(swatch(span.service));
    if (span.status === 2) label.appendChild(errorMark());
    label.appendChild(element('span', 'name', clip(span.name, ROW_TEXT_LIMIT)));
    if (!span.parent || span.parent.service !== span.service) {
      label.appendChild(element('span', 'service', clip(span.service, ROW_TEXT_LIMIT)));
    }
    if (span.orphan) {
      // A remote parent is usually a caller that was not traced (or whose spans are elsewhere).
      var badge = element('span', 'badge', span.cycle ? 'parent cycle' : span.remoteParent ? 'remote parent' : 'orphan');
      badge.title = span.cycle ? 'its parents form a cycle' :
        'parent ' + span.parentId + (span.remoteParent ? ' (in another process)' : '') + ' is not in the data';
      label.appendChild(badge);
    }
    row.appendChild(label);

    var lane = element('div', 'lane');
    var track = element('div', 'track');
    var total = trace.duration > 0 ? trace.duration : 1;
    var left = 100 * (span.start - trace.start) / total;
    var width = 100 * span.duration / total;
    var bar = element('div', 'bar');
    bar.style.left = left + '%';
    bar.style.width = width + '%';
    bar.style.background = colorOf(span.service);
    track.appendChild(bar);
    span.events.forEach(function (event) {
      var tick = element('div', 'event');
      tick.style.left = (100 * (span.start + event.offset - trace.start) / total) + '%';
      tick.title = clip(event.name, 200) + ' at +' + formatDuration(event.offset);
      track.appendChild(tick);
    });
    var duration = element('span', 'duration', formatDuration(span.duration));
    // After the bar, else before it, else (a bar across the whole lane) inside its end.
    if (left + width < 80) {
      duration.style.left = 'calc(' + (left + width) + '% + 4px)';
    } else if (left > 20) {
      duration.style.right = 'calc(' + (100 - left) + '% + 4px)';
    } else {
      duration.classList.add('inside');
      duration.style.right = 'calc(' + Math.max(0, 100 - left - width) + '% + 4px)';
    }
    track.appendChild(duration);
    lane.appendChild(track);
    row.appendChild(lane);
    return row;
  }

  function renderRows() {
    var container = byId('rows');
    var canvas = byId('canvas');
    var first = Math.max(0, Math.floor(container.scrollTop / ROW_HEIGHT) - OVERSCAN);
    var last = Math.min(state.rows.length, Math.ceil((container.scrollTop + container.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    var key = first + ':' + last;
    if (key === state.rendered) return;
    state.rendered = key;
    var old = canvas.querySelectorAll('.row');
    for (var i = 0; i < old.length; i++) canvas.removeChild(old[i]);
    var fragment = document.createDocumentFragment();
    for (var r = first; r < last; r++) fragment.appendChild(makeRow(state.rows[r], r));
    canvas.appendChild(fragment);
  }

  function rerenderRows() {
    state.rendered = '';
    renderRows();
  }

  function selectSpan(span) {
    state.span = span;
    if (span) {
      // Open collapsed ancestors so the span has a row, and scroll it into view.
      var reopened = false;
      for (var up = span.parent; up; up = up.parent) {
        if (state.collapsed.delete(up.index)) reopened = true;
      }
      if (reopened) computeRows();
      var position = state.rows.indexOf(span);
      var container = byId('rows');
      var top = position * ROW_HEIGHT;
      if (top < container.scrollTop || top + ROW_HEIGHT > container.scrollTop + container.clientHeight) {
        container.scrollTop = Math.max(0, top - container.clientHeight / 3);
      }
    }
    rerenderRows();
    renderDetails(span);
  }

  // ---- details ---------------------------------------------------------------------------

  function valueCell(value) {
    var cell = element('td', 'value');
    var full = valueText(value);
    if (full.length <= DETAIL_TEXT_LIMIT) {
      cell.textContent = full;
      if (full.length > 400) cell.classList.add('long');
      return cell;
    }
    var shown = element('div', 'long', full.slice(0, DETAIL_TEXT_LIMIT) + '\u2026');
    cell.appendChild(shown);
    var more = element('button', 'more', 'Show all ' + full.length.toLocaleString('en') + ' characters');
    more.type = 'button';
    more.addEventListener('click', function () {
      shown.textContent = full;
      cell.removeChild(more);
    });
    cell.appendChild(more);
    return cell;
  }
  function keyValueTable(entries) {
    var table = element('table', 'kv');
    entries.forEach(function (entry) {
      var row = element('tr');
      row.appendChild(element('td', 'key', entry.key));
      if (entry.node) {
        var cell = element('td', 'value');
        cell.appendChild(entry.node);
        row.appendChild(cell);
      } else {
        row.appendChild(valueCell(entry.value));
      }
      table.appendChild(row);
    });
    return table;
  }
  function section(parent, title, count) {
    parent.appendChild(element('h3', null, title + (count === undefined ? '' : ' (' + count + ')')));
  }

  function findSpan(traceId, spanId) {
    for (var t = 0; t < model.traces.length; t++) {
      var trace = model.traces[t];
      if (trace.id !== traceId) continue;
      var span = trace.ids.get(spanId);
      if (span) return {trace: trace, span: span};
    }
    return null;
  }

  function renderDetails(span) {
    var panel = byId('details');
    clear(panel);
    if (!span) {
      panel.appendChild(element('p', 'muted', 'Click a span to see its details.'));
      return;
    }
    var trace = state.trace;
    panel.setAttribute('data-span', String(span.index));
    var title = element('h2', 'span-name', span.name === '' ? '(no name)' : span.name);
    panel.appendChild(title);
    var status = element('span', span.status === 2 ? 'status-error' : '', STATUS[span.status] || String(span.status));
    if (span.message) status.textContent += ': ' + span.message;
    var parent = span.parentId === '' ? 'none (root)' : span.parentId +
      (span.parent ? ' (' + clip(span.parent.name, 80) + ')' + (span.remoteParent ? ', remote' : '') :
        span.cycle ? ' (a cycle of parents)' : span.remoteParent ? ' (remote, not in the data)' : ' (not in the data: orphan)');
    var rows = [
      {key: 'service', value: span.service},
      {key: 'kind', value: KINDS[span.kind] || String(span.kind)},
      {key: 'status', node: status},
      {key: 'start', value: formatTime(span.start) + '  (+' + formatDuration(span.start - trace.start) + ')'},
      {key: 'duration', value: formatDuration(span.duration) + (span.negative ? ' (the end is before the start)' : '')},
      {key: 'span id', value: span.id},
      {key: 'parent', value: parent},
      {key: 'trace id', value: trace.id},
      {key: 'start (unix ns)', value: unixNano(span.start)}
    ];
    if (span.origin.scope) rows.push({key: 'scope', value: span.origin.scope + (span.origin.version ? ' ' + span.origin.version : '')});
    panel.appendChild(keyValueTable(rows));

    section(panel, 'Attributes', span.attributes.length);
    if (span.attributes.length) panel.appendChild(keyValueTable(span.attributes));
    if (span.droppedAttributes) panel.appendChild(element('p', 'muted', span.droppedAttributes + ' attributes were dropped by the span limits'));

    section(panel, 'Events', span.events.length);
    span.events.forEach(function (event) {
      var item = element('div', 'event-item');
      item.appendChild(element('div', 'event-name', '+' + formatDuration(event.offset) + '  ' + event.name));
      if (event.attributes.length) item.appendChild(keyValueTable(event.attributes));
      panel.appendChild(item);
    });

    section(panel, 'Links', span.links.length);
    span.links.forEach(function (link) {
      var item = element('div', 'link-item');
      var target = findSpan(link.traceId, link.spanId);
      if (target) {
        var button = element('button', 'link-target', clip(target.span.name, 120) + ' \u2014 ' + clip(target.span.service, 60));
        button.type = 'button';
        button.setAttribute('data-trace-id', link.traceId);
        button.setAttribute('data-span-id', link.spanId);
        button.addEventListener('click', function () { selectTrace(target.trace, target.span); });
        item.appendChild(button);
      } else {
        item.appendChild(element('div', 'muted', 'not in this page'));
      }
      item.appendChild(keyValueTable([{key: 'trace id', value: link.traceId}, {key: 'span id', value: link.spanId}].concat(link.attributes)));
      panel.appendChild(item);
    });

    section(panel, 'Resource', span.origin.resource.length);
    if (span.origin.resource.length) panel.appendChild(keyValueTable(span.origin.resource));
  }

  // ---- start -----------------------------------------------------------------------------

  function renderHeader() {
    byId('title').textContent = clip(model.title, ROW_TEXT_LIMIT);
    document.title = model.title ? clip(model.title, 120) + ' \u2014 tracewire' : 'tracewire traces';
    byId('summary').textContent = model.traces.length + (model.traces.length === 1 ? ' trace' : ' traces') + ' \u00b7 ' +
      model.spanCount + (model.spanCount === 1 ? ' span' : ' spans') + ' \u00b7 ' +
      model.serviceCount + (model.serviceCount === 1 ? ' service' : ' services');
    var leftTraces = integer(model.leftOut.traces);
    var leftSpans = integer(model.leftOut.spans);
    if (leftTraces || leftSpans) {
      var parts = [];
      if (leftTraces) {
        parts.push(leftTraces + (leftTraces === 1 ? ' older trace' : ' older traces') + ' left out' +
          (model.leftOut.maxTraces ? ' (this page keeps the last ' + integer(model.leftOut.maxTraces) + ')' : ''));
      }
      if (leftSpans) parts.push(leftSpans + (leftSpans === 1 ? ' span' : ' spans') + ' left out for lack of room');
      var notice = byId('notice');
      notice.textContent = parts.join('; ');
)twpage",
    R"twpage(      notice.hidden = false;
    }
  }

  function start() {
    model = buildModel(readData());
    renderHeader();
    if (model.error || model.traces.length === 0) {
      var empty = byId('empty');
      empty.textContent = model.error || 'No traces in this page.';
      empty.hidden = false;
      byId('traces').hidden = model.traces.length === 0;
    }
    renderTraceList();

    byId('trace-table').querySelector('thead').addEventListener('click', function (event) {
      var button = event.target.closest('button[data-sort]');
      if (!button) return;
      var key = button.getAttribute('data-sort');
      if (key === state.sortKey) state.sortDescending = !state.sortDescending;
      else { state.sortKey = key; state.sortDescending = key !== 'root' && key !== 'services'; }
      renderTraceList();
    });
    byId('trace-rows').addEventListener('click', function (event) {
      var row = event.target.closest('tr[data-trace]');
      if (row) selectTrace(model.traces[Number(row.getAttribute('data-trace'))]);
    });
    var searchTimer = 0;
    byId('search').addEventListener('input', function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () {
        state.query = byId('search').value.trim().toLowerCase();
        renderTraceList();
        if (state.trace) rerenderRows();
      }, 120);
    });
    var scheduled = false;
    byId('rows').addEventListener('scroll', function () {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(function () { scheduled = false; renderRows(); });
    });
    window.addEventListener('resize', function () { if (state.trace) rerenderRows(); });
    byId('canvas').addEventListener('click', function (event) {
      var row = event.target.closest('.row');
      if (!row) return;
      var span = state.trace.spans[Number(row.getAttribute('data-span'))];
      if (event.target.closest('.toggle')) {
        if (!state.collapsed.delete(span.index)) state.collapsed.add(span.index);
        computeRows();
        return;
      }
      selectSpan(span);
    });
    byId('rows').addEventListener('keydown', function (event) {
      if (!state.trace || (event.key !== 'ArrowDown' && event.key !== 'ArrowUp')) return;
      var position = state.rows.indexOf(state.span) + (event.key === 'ArrowDown' ? 1 : -1);
      if (position >= 0 && position < state.rows.length) selectSpan(state.rows[position]);
      event.preventDefault();
    });

    if (state.visibleTraces.length) selectTrace(state.visibleTraces[0]);
    document.body.setAttribute('data-ready-ms', String(Math.round(performance.now())));
    document.body.setAttribute('data-ready', 'true');
  }

  start();
})();
</script>
</body>
</html>
)twpage",
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
