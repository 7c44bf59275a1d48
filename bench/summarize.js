// SPDX-License-Identifier: MIT
//
// Turns the JSON lines of one bench/run.sh run into a Markdown table: each case's figures for
// our server and the Node.js reference, their ratio and the target of the issue.
//
// Usage: node bench/summarize.js [--command "the command that was run"] [--size full] RESULTS.jsonl
'use strict';

const fs = require('node:fs');

const args = process.argv.slice(2);
let command = '';
let size = 'full';
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--command') command = args[++i];
  else if (args[i] === '--size') size = args[++i];
  else files.push(args[i]);
}
// The issue's targets are set for the full size; smaller runs show only the direction.
const judge = size === 'full';
if (files.length !== 1) {
  console.error('usage: node summarize.js [--command TEXT] RESULTS.jsonl');
  process.exit(2);
}

const records = fs
  .readFileSync(files[0], 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));

// better: which way is good; target: what the issue asks of our server, either as a ratio to
// the reference (ratioMax/ratioMin) or as an absolute bound (max/min).
const METRICS = {
  connect: [
    { path: 'server_rss_per_connection_kb', name: 'server RSS per connection, KB', better: 'lower', target: { ratioMax: 0.5 } },
    { path: 'connect_time_s', name: 'time to connect and join all, s', better: 'lower' },
    { path: 'failed', name: 'failed connections', better: 'lower', target: { max: 0 } },
  ],
  fanout: [
    { path: 'deliveries_per_s', name: 'deliveries/s, one room', better: 'higher', target: { ratioMin: 4 } },
    { path: 'latency_ms.p99', name: 'latency p99, ms', better: 'lower' },
    { path: 'delivery_ratio', name: 'delivered / expected', better: 'higher', target: { min: 1 } },
    { path: 'server_cpu_s_per_1000_deliveries', name: 'server CPU s per 1000 deliveries', better: 'lower' },
  ],
  latency: [
    { path: 'deliveries_per_s', name: 'deliveries/s achieved', better: 'higher' },
    { path: 'skipped', name: 'sends skipped (server behind)', better: 'lower', target: { max: 0 } },
    { path: 'latency_ms.p50', name: 'latency p50, ms', better: 'lower' },
    { path: 'latency_ms.p99', name: 'latency p99, ms', better: 'lower', target: { max: 25 } },
    { path: 'latency_ms.max', name: 'latency max, ms', better: 'lower', target: { max: 100 } },
  ],
  storm: [
    { path: 'all_caught_up_s', name: 'all back and caught up, s', better: 'lower', target: { max: 3 } },
    { path: 'caught_up_latency_ms.p99', name: 'per client p99, ms', better: 'lower' },
    { path: 'failed', name: 'clients not back', better: 'lower', target: { max: 0 } },
  ],
  persist: [
    { path: 'stored_per_s', name: 'messages stored/s (ack after commit)', better: 'higher', target: { min: 50000 } },
    { path: 'ack_latency_ms.p50', name: 'ack p50, ms', better: 'lower' },
    { path: 'ack_latency_ms.p99', name: 'ack p99, ms', better: 'lower' },
  ],
  'persist-rate': [
    { path: 'stored_per_s', name: 'messages stored/s achieved', better: 'higher', target: { min: 50000 } },
    { path: 'skipped', name: 'sends skipped (server behind)', better: 'lower', target: { max: 0 } },
    { path: 'ack_latency_ms.p50', name: 'ack p50, ms', better: 'lower' },
    { path: 'ack_latency_ms.p99', name: 'ack p99, ms', better: 'lower', target: { max: 10 } },
  ],
};

function get(record, path) {
  if (!record) return undefined;
  return path.split('.').reduce((value, key) => (value == null ? undefined : value[key]), record);
}

function format(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  if (Math.abs(value) >= 0.01 || value === 0) return value.toFixed(3);
  return value.toPrecision(3);
}

function targetText(target) {
  if (!target) return '';
  if (target.ratioMax !== undefined) return `ratio ≤ ${target.ratioMax}`;
  if (target.ratioMin !== undefined) return `ratio ≥ ${target.ratioMin}`;
  if (target.max !== undefined) return `≤ ${format(target.max)}`;
  return `≥ ${format(target.min)}`;
}

function met(target, ours, ratio) {
  if (!judge || !target || typeof ours !== 'number') return '';
  if (target.ratioMax !== undefined) return typeof ratio === 'number' ? (ratio <= target.ratioMax ? 'yes' : 'no') : '';
  if (target.ratioMin !== undefined) return typeof ratio === 'number' ? (ratio >= target.ratioMin ? 'yes' : 'no') : '';
  if (target.max !== undefined) return ours <= target.max ? 'yes' : 'no';
  return ours >= target.min ? 'yes' : 'no';
}

const byCase = new Map();
for (const record of records) {
  const name = record.case ?? record.scenario;
  if (!byCase.has(name)) byCase.set(name, {});
  byCase.get(name)[record.label] = record;
}

const first = records[0] ?? {};
const machine = first.machine ?? {};
const loads = records.map((r) => r.machine?.loadavg_1m).filter((x) => typeof x === 'number');
const lines = [];
lines.push(`### ${first.date ?? 'unknown date'}: ${machine.cores ?? '?'} cores, ${machine.ram_gb ?? '?'} GB RAM, Linux ${machine.kernel ?? '?'}`);
lines.push('');
if (command) lines.push(`Command: \`${command}\``);
if (loads.length) lines.push(`Load average (1 min) at the start of each case: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`);
if (!judge) lines.push(`Size ${size}: the targets are set for the full size, so "met" is left empty.`);
lines.push('');
// Any other server measured in the run (e.g. mock, the generator's own ceiling) gets a column.
const extra = [...new Set(records.map((r) => r.label))].filter((l) => l !== 'ours' && l !== 'reference');
lines.push(`| case | metric | ours | reference | ours / reference | target | met |${extra.map((l) => ` ${l} |`).join('')}`);
lines.push(`|---|---|---:|---:|---:|---|---|${extra.map(() => '---:|').join('')}`);
const notes = [];
for (const [name, pair] of byCase) {
  const shape = pair.reference ?? pair.ours ?? Object.values(pair)[0];
  const scenario = shape.scenario;
  const metrics = METRICS[name] ?? METRICS[scenario] ?? [];
  const count = shape.connections ?? shape.senders;
  const rate = shape.rate ? `, ${shape.rate} msg/s` : '';
  const label = scenario === 'fanout' ? `${name} (${shape.rooms}×${shape.members}${rate})` : `${name} (${count}${rate})`;
  for (const metric of metrics) {
    const ours = get(pair.ours, metric.path);
    const reference = get(pair.reference, metric.path);
    const ratio = typeof ours === 'number' && typeof reference === 'number' && reference !== 0 ? ours / reference : undefined;
    const others = extra.map((l) => ` ${format(get(pair[l], metric.path))} |`).join('');
    lines.push(`| ${label} | ${metric.name} | ${format(ours)} | ${format(reference)} | ${ratio === undefined ? '—' : ratio.toFixed(2)} | ${targetText(metric.target)} | ${met(metric.target, ours, ratio)} |${others}`);
  }
  for (const [side, record] of Object.entries(pair)) {
    if (record.generator?.saturated) notes.push(`${name}/${side}: the load generator was saturated (${Math.round(record.generator.max_core_utilisation * 100)} % of a core); the figure is a lower bound.`);
    if (record.ok === false) notes.push(`${name}/${side}: incomplete (not every connection, delivery or ack arrived); see the JSON.`);
  }
}
if (notes.length) {
  lines.push('');
  for (const note of notes) lines.push(`- ${note}`);
}
console.log(lines.join('\n'));
