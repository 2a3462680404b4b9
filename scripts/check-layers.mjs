#!/usr/bin/env node
// check-layers.mjs: fails when the modules of lib/ depend on each other in a cycle.
// A module is one lib/X.c; X depends on Y when X's object calls (or reads) a symbol that Y's
// object defines, as nm tells: what the code really uses, whatever its headers declare.
// The library is meant to be layered (docs/architecture.md): value -> store -> record store
// -> hooks -> write path -> the commands built on it.
// Usage: check-layers.mjs OBJECT.o... (or one directory of them)
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, basename } from 'node:path';

const args = process.argv.slice(2);
const dir = args.length === 1 && !args[0].endsWith('.o') ? args[0] : null;
const objs = dir ? readdirSync(dir).filter((f) => f.endsWith('.o')).sort().map((f) => join(dir, f)) : args;
if (!objs.length) {
  console.error('check-layers: no objects given');
  process.exit(2);
}
const defined = new Map(); // symbol -> module
const uses = new Map();    // module -> Set of symbols
for (const o of objs) {
  const mod = basename(o, '.o');
  const out = execFileSync('nm', ['-g', o], { encoding: 'utf8' });
  const u = new Set();
  for (const line of out.split('\n')) {
    const m = line.trim().match(/^(?:[0-9a-f]+\s+)?([A-Za-z])\s+(\S+)$/);
    if (!m) continue;
    if (m[1] === 'U') u.add(m[2]);
    else defined.set(m[2], mod);
  }
  uses.set(mod, u);
}
const edges = new Map(); // module -> Map(dep -> example symbol)
for (const [mod, syms] of uses) {
  const e = new Map();
  for (const s of syms) {
    const d = defined.get(s);
    if (d && d !== mod && !e.has(d)) e.set(d, s);
  }
  edges.set(mod, e);
}
// Tarjan's strongly connected components: any with more than one module is a cycle.
let index = 0;
const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], cycles = [];
function visit(v) {
  idx.set(v, index); low.set(v, index); index++;
  stack.push(v); onStack.add(v);
  for (const w of edges.get(v).keys()) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do { w = stack.pop(); onStack.delete(w); comp.push(w); } while (w !== v);
    if (comp.length > 1) cycles.push(comp.sort());
  }
}
for (const v of edges.keys()) if (!idx.has(v)) visit(v);
if (!cycles.length) {
  console.log(`check-layers: ${objs.length} modules, no cycle`);
  process.exit(0);
}
for (const comp of cycles) {
  console.error(`check-layers: a cycle among ${comp.join(', ')}:`);
  const inComp = new Set(comp);
  for (const m of comp)
    for (const [d, s] of edges.get(m))
      if (inComp.has(d)) console.error(`  ${m} -> ${d} (${s})`);
}
process.exit(1);
