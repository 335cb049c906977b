// Drives Debian's chromium (headless, through playwright-core) for the trace viewer tests:
// reads one JSON command per line on stdin, answers one JSON line on stdout. The C++ tests
// (tests/support/browser.hpp) send the commands and check the answers.
//
//   node browser.js [--chromium /usr/bin/chromium]
//   first line out: READY {"version": ...} or FAILED <reason> (then exit 1)
//   commands: {"op": "open", "path": FILE, "width": W, "height": H}, {"op": "report"},
//             {"op": "click", "selector": S, "index": I}, {"op": "fill", "selector": S, "text": T},
//             {"op": "scroll", "selector": S, "top": PX}, {"op": "screenshot", "path": FILE},
//             {"op": "evaluate", "expression": JS}, {"op": "events"}
//   answers:  {"ok": true, "result": ...} or {"ok": false, "error": MESSAGE}
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const url = require('url');
const zlib = require('zlib');

function argument(name, fallback) {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

// The flags of a quiet, offline, throw-away browser; playwright adds --headless and its own.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync'];

// What the page did that a test must see: errors, dialogs (an injected alert), requests that
// left the file (the page must make none).
let events = {console: [], pageErrors: [], dialogs: [], requests: []};
let page = null;

// The rendered state of the viewer, read from the DOM as a user would see it.
function report() {
  const rect = (node) => {
    if (!node) return null;
    const r = node.getBoundingClientRect();
    return {left: r.left, top: r.top, width: r.width, height: r.height};
  };
  const text = (node) => (node ? node.textContent : null);
  const all = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const details = document.getElementById('details');
  const sections = [];
  let current = {title: '', pairs: []};
  sections.push(current);
  for (const node of details.children) {
    if (node.tagName === 'H3') {
      current = {title: node.textContent, pairs: [], items: []};
      sections.push(current);
    } else if (node.tagName === 'TABLE') {
      for (const row of node.querySelectorAll('tr')) current.pairs.push([text(row.children[0]), text(row.children[1])]);
    } else if (node.classList.contains('event-item') || node.classList.contains('link-item')) {
      current.items = current.items || [];
      current.items.push({
        title: text(node.querySelector('.event-name')),
        target: text(node.querySelector('.link-target')),
        pairs: all('tr', node).map((row) => [text(row.children[0]), text(row.children[1])])
      });
    }
  }
  return {
    ready: document.body.getAttribute('data-ready') === 'true',
    readyMs: Number(document.body.getAttribute('data-ready-ms')),
    title: document.title,
    header: {title: text(document.getElementById('title')), summary: text(document.getElementById('summary')),
             notice: document.getElementById('notice').hidden ? null : text(document.getElementById('notice'))},
    empty: document.getElementById('empty').hidden ? null : text(document.getElementById('empty')),
    matchCount: text(document.getElementById('match-count')),
    sort: all('#trace-table th[aria-sort]').map((th) => [th.querySelector('button').getAttribute('data-sort'), th.getAttribute('aria-sort')]),
    traces: all('#trace-rows tr').map((row) => ({
      index: Number(row.getAttribute('data-trace')),
      selected: row.classList.contains('selected'),
      cells: all('td', row).map((cell) => cell.textContent),
      error: row.querySelector('.error-count') !== null
    })),
    trace: document.getElementById('trace').hidden ? null : {
      title: text(document.getElementById('trace-title')),
      meta: text(document.getElementById('trace-meta'))
    },
    legend: all('#legend .legend-item').map((item) => ({
      service: item.getAttribute('data-service'), text: item.textContent,
      color: getComputedStyle(item.querySelector('.swatch')).backgroundColor
    })),
    graph: {
      nodes: all('#graph g.node').map((node) => ({service: node.getAttribute('data-service'), text: text(node.querySelector('text')),
                                                  error: node.classList.contains('error')})),
      edges: all('#graph g.edge').map((edge) => ({from: edge.getAttribute('data-from'), to: edge.getAttribute('data-to'),
                                                  calls: Number(edge.getAttribute('data-calls')), errors: Number(edge.getAttribute('data-errors')),
                                                  text: text(edge.querySelector('text')), error: edge.classList.contains('error')}))
    },
    axis: {
      track: rect(document.getElementById('axis-track')),
      ticks: all('#axis-track .tick').map((tick) => ({label: tick.textContent, x: tick.getBoundingClientRect().left}))
    },
    canvasHeight: document.getElementById('canvas').getBoundingClientRect().height,
    scrollTop: document.getElementById('rows').scrollTop,
    rows: all('#canvas .row').map((row) => {
      const label = row.querySelector('.label');
      const name = row.querySelector('.name');
      return {
        span: Number(row.getAttribute('data-span')),
        depth: Number(row.getAttribute('data-depth')),
        top: row.getBoundingClientRect().top,
        position: Math.round(parseFloat(row.style.top) / 24),
        name: text(name),
        nameLeft: name.getBoundingClientRect().left,
        indent: parseFloat(getComputedStyle(label).paddingLeft),
        service: text(row.querySelector('.service')),
        color: getComputedStyle(row.querySelector('.swatch')).backgroundColor,
        barColor: getComputedStyle(row.querySelector('.bar')).backgroundColor,
        bar: rect(row.querySelector('.bar')),
        track: rect(row.querySelector('.track')),
        events: all('.event', row).map((tick) => tick.getBoundingClientRect().left + tick.getBoundingClientRect().width / 2),
        duration: text(row.querySelector('.duration')),
        error: row.classList.contains('error'),
        errorMark: row.querySelector('.error-mark') !== null,
        badge: text(row.querySelector('.badge')),
        selected: row.classList.contains('selected'),
        match: row.classList.contains('match'),
        toggle: text(row.querySelector('.toggle'))
      };
    }).sort((a, b) => a.position - b.position),
    details: {
      span: details.getAttribute('data-span'),
      name: text(details.querySelector('h2')),
      sections: sections,
      links: all('.link-target', details).map((button) => ({text: button.textContent,
        traceId: button.getAttribute('data-trace-id'), spanId: button.getAttribute('data-span-id')}))
    },
    // What hostile data could have injected: elements and handlers the page never makes.
    injected: {
      images: document.querySelectorAll('img').length,
      iframes: document.querySelectorAll('iframe, object, embed').length,
      scripts: document.querySelectorAll('script').length,
      handlers: all('*').filter((node) => Array.from(node.attributes).some((a) => a.name.startsWith('on'))).length,
      marker: window.__tracewire_injected === undefined ? null : String(window.__tracewire_injected)
    }
  };
}

// Decodes an RGBA or RGB 8-bit PNG (what chromium writes) enough to tell a blank picture
// from a drawn one: how many distinct colours, and how many pixels differ from the corner.
function pngStatistics(buffer) {
  if (buffer.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8, width = 0, height = 0, colourType = 0, depth = 0;
  const data = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0); height = body.readUInt32BE(4); depth = body[8]; colourType = body[9];
    } else if (type === 'IDAT') {
      data.push(body);
    }
    offset += 12 + length;
  }
  const channels = colourType === 6 ? 4 : colourType === 2 ? 3 : 0;
  if (depth !== 8 || channels === 0) throw new Error('unexpected PNG format ' + depth + '/' + colourType);
  const raw = zlib.inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      let value = line[x];
      if (filter === 1) value += a;
      else if (filter === 2) value += b;
      else if (filter === 3) value += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        value += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = value & 0xff;
    }
  }
  const colours = new Set();
  let differing = 0;
  const corner = pixels.readUIntBE(0, 3);
  for (let i = 0; i < pixels.length; i += channels) {
    const colour = pixels.readUIntBE(i, 3);
    if (colours.size < 4096) colours.add(colour);
    if (colour !== corner) differing++;
  }
  return {width: width, height: height, colours: colours.size, differing: differing / (width * height)};
}

async function open(context, command) {
  if (page) await page.close();
  events = {console: [], pageErrors: [], dialogs: [], requests: []};
  page = await context.newPage();
  await page.setViewportSize({width: command.width || 1280, height: command.height || 900});
  page.on('console', (message) => { if (message.type() === 'error') events.console.push(message.text()); });
  page.on('pageerror', (error) => events.pageErrors.push(String(error)));
  page.on('dialog', (dialog) => { events.dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });
  const target = url.pathToFileURL(path.resolve(command.path)).href;
  page.on('request', (request) => { if (request.url() !== target) events.requests.push(request.url()); });
  const started = Date.now();
  await page.goto(target, {waitUntil: 'load', timeout: 60000});
  await page.waitForSelector('body[data-ready="true"]', {timeout: 60000});
  return {loadMs: Date.now() - started};
}

// After anything that changes the page: two animation frames, so rows scrolled into view
// are drawn.
async function settle() {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

async function handle(context, command) {
  switch (command.op) {
    case 'open': return open(context, command);
    case 'report': return page.evaluate(report);
    case 'click':
      await page.locator(command.selector).nth(command.index || 0).click({timeout: 10000});
      await settle();
      return null;
    case 'fill':
      await page.fill(command.selector, command.text, {timeout: 10000});
      await page.waitForTimeout(200);  // the search box waits 120 ms for typing to pause
      await settle();
      return null;
    case 'scroll':
      await page.evaluate(({selector, top}) => { document.querySelector(selector).scrollTop = top; },
                          {selector: command.selector, top: command.top});
      await settle();
      await settle();
      return null;
    case 'screenshot': {
      const buffer = await page.screenshot({path: command.path, fullPage: false});
      return pngStatistics(buffer);
    }
    case 'evaluate': return page.evaluate(command.expression);
    case 'events': return events;
    default: throw new Error('unknown op ' + command.op);
  }
}

async function main() {
  let playwright;
  try {
    playwright = require('playwright-core');
  } catch (error) {
    process.stdout.write('FAILED playwright-core is not installed (npm ci --prefix tests/browser): ' + error.message + '\n');
    process.exit(1);
  }
  const executable = argument('--chromium', '/usr/bin/chromium');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-chromium-'));
  let context;
  try {
    context = await playwright.chromium.launchPersistentContext(profile, {
      executablePath: executable, headless: true, args: FLAGS, timeout: 60000
    });
  } catch (error) {
    fs.rmSync(profile, {recursive: true, force: true});
    process.stdout.write('FAILED chromium (' + executable + ') cannot run: ' + error.message.split('\n').slice(0, 6).join(' | ') + '\n');
    process.exit(1);
  }
  const version = context.browser() ? context.browser().version() : 'unknown';
  process.stdout.write('READY ' + JSON.stringify({version: version, executable: executable}) + '\n');

  const finish = async () => {
    await context.close().catch(() => {});
    fs.rmSync(profile, {recursive: true, force: true});
    process.exit(0);
  };
  const lines = readline.createInterface({input: process.stdin});
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      let answer;
      try {
        answer = {ok: true, result: await handle(context, JSON.parse(line))};
      } catch (error) {
        answer = {ok: false, error: String(error && error.message || error)};
      }
      process.stdout.write(JSON.stringify(answer === undefined ? null : answer) + '\n');
    });
  });
  lines.on('close', () => { queue.then(finish); });
}

main();
