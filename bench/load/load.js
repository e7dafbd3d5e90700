// Chat load generator for bench/chat_load.py and bench/chat_idle.py. Runs as its own process so
// that the server under test and the client never share a core's event loop.
//
//   node load.js config.json   → one JSON line with the results on stdout
//
// config: {
//   "protocol": "frontdesk" | "baseline",
//   "rooms": [{"id": chat or room id, "members": ["ws://…", …], "writers": [member indexes]}],
//   "mode": "rate" | "window" | "idle",
//   "rate": messages per second per room (mode "rate"),
//   "warmup": seconds, "duration": seconds, "connect_concurrency": 200
// }
// "rate" offers a fixed load; "window" keeps one message per room in flight (the next one leaves
// when every other member has received the previous one): the delivered rate is the capacity.
// "idle" connects, subscribes and holds the sockets for "duration" seconds.
'use strict';

const fs = require('fs');
const WebSocket = require('ws');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const protocol = config.protocol;
const mode = config.mode;
const LOST_AFTER_MS = 10000;

const now = () => Number(process.hrtime.bigint()) / 1e6;
const cpuStart = process.cpuUsage();
const wallStart = now();

let nextId = 1;
// Client ids are idempotency keys: a later run reusing 'c1' would get the earlier run's message back.
const RUN = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const pending = new Map(); // message id → {t, room, sender, remaining}
const latencies = [];
let recording = false;
let sent = 0;
let delivered = 0;
let errors = 0;
let lost = 0; // window mode: messages not everywhere after LOST_AFTER_MS
let connectErrors = 0;
let closedEarly = 0;
const errorCodes = {};

class Room {
  constructor(spec) {
    this.id = spec.id;
    this.urls = spec.members;
    this.writers = spec.writers || spec.members.map((_, i) => i);
    this.sockets = [];
    this.turn = 0;
    this.sentHere = 0;
    // Rooms start at random points of the period: a fixed rate per room, not every room's
    // message in the same millisecond.
    this.phase = Math.random();
    this.inFlight = null;
  }

  send() {
    const sender = this.writers[this.turn % this.writers.length];
    this.turn += 1;
    const id = nextId++;
    const text = 'm' + id;
    const entry = { t: now(), room: this, sender, remaining: this.sockets.length - 1, id };
    pending.set(id, entry);
    this.inFlight = entry;
    this.sentHere += 1;
    if (recording) sent += 1;
    const frame = protocol === 'frontdesk'
      ? { type: 'message', chat_id: this.id, text, client_message_id: `c${RUN}-${id}` }
      : { room: this.id, text };
    this.sockets[sender].send(JSON.stringify(frame));
  }
}

function onMessage(room, index, data) {
  const frame = JSON.parse(data);
  if (frame.type === 'error') {
    errors += 1;
    errorCodes[frame.code] = (errorCodes[frame.code] || 0) + 1;
    return;
  }
  if (frame.type !== 'event' || !frame.event || frame.event.kind !== 'message') return;
  const text = frame.event.text;
  if (typeof text !== 'string' || text[0] !== 'm') return;
  const entry = pending.get(Number(text.slice(1)));
  if (entry === undefined || entry.sender === index) return; // replayed, or one's own echo
  if (recording) {
    latencies.push(now() - entry.t);
    delivered += 1;
  }
  entry.remaining -= 1;
  if (entry.remaining <= 0) {
    pending.delete(entry.id);
    if (mode === 'window' && room.inFlight === entry && running) room.send();
  }
}

function open(room, index, url) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let settled = false;
    const done = (ok) => {
      if (!settled) {
        settled = true;
        if (!ok) connectErrors += 1;
        resolve(ok);
      }
    };
    const timer = setTimeout(() => done(false), 30000);
    ws.on('open', () => {
      if (protocol !== 'frontdesk') {
        clearTimeout(timer);
        done(true);
        return;
      }
      ws.send(JSON.stringify({ type: 'subscribe', chat_id: room.id, after_seq: 0 }));
    });
    ws.on('message', (data) => {
      if (!settled) {
        const frame = JSON.parse(data);
        if (frame.type === 'subscribed') {
          clearTimeout(timer);
          done(true);
        } else if (frame.type === 'error') {
          clearTimeout(timer);
          errorCodes[frame.code] = (errorCodes[frame.code] || 0) + 1;
          done(false);
        }
        return;
      }
      onMessage(room, index, data);
    });
    ws.on('error', () => done(false));
    ws.on('close', () => {
      if (settled && running) closedEarly += 1;
      done(false);
    });
    room.sockets[index] = ws;
  });
}

async function connectAll(rooms) {
  const jobs = [];
  for (const room of rooms) room.urls.forEach((url, i) => jobs.push([room, i, url]));
  let cursor = 0;
  const worker = async () => {
    while (cursor < jobs.length) {
      const [room, i, url] = jobs[cursor++];
      await open(room, i, url);
    }
  };
  const lanes = Math.min(config.connect_concurrency || 200, jobs.length);
  await Promise.all(Array.from({ length: lanes }, worker));
  return jobs.length;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

let running = false;

async function main() {
  const rooms = config.rooms.map((spec) => new Room(spec));
  const connectStart = now();
  const connections = await connectAll(rooms);
  const connectSeconds = (now() - connectStart) / 1000;
  running = true;
  // Every socket is open: bench/chat_idle.py samples the server's memory now, and
  // bench/chat_load.py starts its profiler and the server's CPU clock.
  process.stdout.write(JSON.stringify({ connected: connections, connect_errors: connectErrors }) + '\n');
  let ticker = null;
  if (mode === 'rate') {
    const started = now();
    ticker = setInterval(() => {
      const periods = ((now() - started) / 1000) * config.rate;
      for (const room of rooms) {
        const due = Math.floor(periods + room.phase);
        while (room.sentHere < due) room.send();
      }
    }, 5);
  } else if (mode === 'window') {
    for (const room of rooms) room.send();
    ticker = setInterval(() => {
      // A message lost for good (should not happen) must not stall its room forever.
      const limit = now() - LOST_AFTER_MS;
      for (const room of rooms) {
        const entry = room.inFlight;
        if (entry && !entry.late && entry.t < limit && pending.has(entry.id)) {
          entry.late = true; // still counted (with its latency) if it arrives after all
          lost += 1;
          room.send();
        }
      }
    }, 250);
  }
  await new Promise((r) => setTimeout(r, (config.warmup || 0) * 1000));
  const cpuMeasureStart = process.cpuUsage();
  recording = true;
  const measureStart = now();
  await new Promise((r) => setTimeout(r, config.duration * 1000));
  recording = false;
  const measured = (now() - measureStart) / 1000;
  const cpu = process.cpuUsage(cpuMeasureStart);
  running = false;
  if (ticker) clearInterval(ticker);
  await new Promise((r) => setTimeout(r, 500));
  latencies.sort((a, b) => a - b);
  const open_ = rooms.reduce(
    (n, room) => n + room.sockets.filter((s) => s && s.readyState === WebSocket.OPEN).length, 0);
  const result = {
    protocol,
    mode,
    connections,
    open: open_,
    connect_errors: connectErrors,
    connect_seconds: connectSeconds,
    closed_early: closedEarly,
    seconds: measured,
    sent,
    delivered,
    messages_per_s: sent / measured,
    deliveries_per_s: delivered / measured,
    p50_ms: percentile(latencies, 0.5),
    p99_ms: percentile(latencies, 0.99),
    errors,
    error_codes: errorCodes,
    lost,
    cpu_percent: ((cpu.user + cpu.system) / 1000 / (measured * 1000)) * 100,
    total_cpu_seconds: (process.cpuUsage(cpuStart).user + process.cpuUsage(cpuStart).system) / 1e6,
    wall_seconds: (now() - wallStart) / 1000,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
  for (const room of rooms) for (const s of room.sockets) if (s) s.terminate();
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
  process.exit(1);
});
