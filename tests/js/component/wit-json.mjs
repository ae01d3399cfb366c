/**
 * Converts between Ward's JSON wire shapes and the WIT records as jco represents them, driven by
 * wit/types.wit itself (no hand-written field lists):
 * - `toWit`: a decoded evaluation (snake_case JSON) → the WIT `evaluation` (camelCase, enums in
 *   kebab-case, `context-value` variants, metadata as pairs, s64 as BigInt, none as undefined);
 * - `toJsonText`: a WIT `assessment` or `error` → the JSON text the Rust core writes for it, in the
 *   WIT field order (the Rust struct order), with serde_json's float formatting.
 */
import { readFileSync } from 'node:fs';

const camel = (s) => s.replace(/^%/, '').replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const snake = (s) => s.replace(/^%/, '').replaceAll('-', '_');

/** @returns {{records: Map<string, Array<{wit: string, json: string, js: string, type: string}>>, enums: Set<string>, variants: Map<string, Map<string, string>>, aliases: Map<string, string>}} */
export function parseTypes(path) {
  const text = readFileSync(path, 'utf8');
  const records = new Map();
  const enums = new Set();
  const variants = new Map();
  const aliases = new Map();
  for (const [, kind, name, body] of text.matchAll(/(record|enum|variant)\s+([a-z0-9-]+)\s*\{([^}]*)\}/g)) {
    if (kind === 'enum') enums.add(name);
    if (kind === 'variant') {
      variants.set(name, new Map([...body.matchAll(/^\s*([a-z0-9-]+)\(([^)]+)\)/gm)].map((m) => [m[1], m[2]])));
    }
    if (kind !== 'record') continue;
    const fields = [];
    let doc = '';
    for (const line of body.split('\n').map((l) => l.trim())) {
      if (line.startsWith('///')) {
        doc += `${line.slice(3).trim()} `;
        continue;
      }
      const m = /^(%?[a-z0-9-]+)\s*:\s*(.+?),?$/.exec(line);
      if (!m) continue;
      const json = m[1] === 'kind' && doc.startsWith("Stripe's `type`") ? 'type' : snake(m[1]);
      fields.push({ wit: m[1], json, js: camel(m[1]), type: m[2] });
      doc = '';
    }
    records.set(name, fields);
  }
  for (const [, name, type] of text.matchAll(/^\s*type\s+([a-z0-9-]+)\s*=\s*(.+);/gm)) aliases.set(name, type);
  return { records, enums, variants, aliases };
}

/** Splits `a, list<b, c>, d` at top-level commas. */
function args(inner) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (const ch of inner) {
    if (ch === '<') depth++;
    if (ch === '>') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** `option<x>` → ['option', ['x']] */
function generic(type) {
  const m = /^([a-z]+)<(.*)>$/.exec(type);
  return m ? [m[1], args(m[2])] : [type, []];
}

/** serde_json's (ryu's) text for an f64: `40.0`, `0.05181`, `1e-7`, `1.5e16`. */
export function rustF64(x) {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, e] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const kk = Number(e) + 1; // the decimal point sits after `kk` digits
  const k = kk - digits.length;
  let s;
  if (k >= 0 && kk <= 16) s = `${digits}${'0'.repeat(k)}.0`;
  else if (kk > 0 && kk <= 16) s = `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  else if (kk > -5 && kk <= 0) s = `0.${'0'.repeat(-kk)}${digits}`;
  else if (digits.length === 1) s = `${digits}e${kk - 1}`;
  else s = `${digits[0]}.${digits.slice(1)}e${kk - 1}`;
  return x < 0 ? `-${s}` : s;
}

export function makeConverter(witPath) {
  const t = parseTypes(witPath);

  /** JSON value → jco value of WIT type `type`. */
  function toWit(type, v) {
    const [head, params] = generic(type);
    if (head === 'option') return v === null || v === undefined ? undefined : toWit(params[0], v);
    if (head === 'list') {
      const [inner, innerParams] = generic(params[0]);
      if (inner === 'tuple') return Object.entries(v ?? {}).map(([k, x]) => [k, toWit(innerParams[1], x)]);
      return (v ?? []).map((x) => toWit(params[0], x));
    }
    if (t.aliases.has(head)) return toWit(t.aliases.get(head), v);
    if (['s64', 'u64'].includes(head)) return BigInt(v);
    if (['u8', 'u16', 'u32', 's32', 'f64', 'f32', 'bool', 'string'].includes(head)) return v;
    if (t.enums.has(head)) return v.replaceAll('_', '-');
    if (t.variants.has(head)) {
      const tag = typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? 'number' : 'text';
      return { tag, val: v };
    }
    const fields = t.records.get(head);
    if (!fields) throw new Error(`unknown WIT type ${type}`);
    const known = new Set(fields.map((f) => f.json));
    const extra = Object.keys(v).filter((k) => !known.has(k));
    if (extra.length) throw new Error(`the WIT ${head} record has no field for ${extra.join(', ')}`);
    return Object.fromEntries(fields.map((f) => [f.js, toWit(f.type, v[f.json] ?? (f.type === 'bool' ? false : undefined))]));
  }

  // Optional fields the core leaves out when absent (all other options print as null).
  const omitWhenNone = new Set(['risk-factor.value', 'risk-factor.contribution', 'error.code', 'error.decline-code', 'error.param']);

  /** jco value of WIT type `type` → the JSON text the core writes. */
  function toJsonText(type, v) {
    const [head, params] = generic(type);
    if (head === 'option') return v === undefined || v === null ? 'null' : toJsonText(params[0], v);
    if (head === 'list') return `[${v.map((x) => toJsonText(params[0], x)).join(',')}]`;
    if (t.aliases.has(head)) return toJsonText(t.aliases.get(head), v);
    if (['s64', 'u64', 'u8', 'u16', 'u32', 's32'].includes(head)) return String(v);
    if (head === 'f64' || head === 'f32') return rustF64(v);
    if (head === 'bool') return v ? 'true' : 'false';
    if (head === 'string') return JSON.stringify(v);
    if (t.enums.has(head)) return JSON.stringify(snake(v));
    if (t.variants.has(head)) return toJsonText(t.variants.get(head).get(v.tag), v.val);
    const fields = t.records.get(head);
    if (!fields) throw new Error(`unknown WIT type ${type}`);
    const parts = [];
    for (const f of fields) {
      const value = v[f.js];
      if ((value === undefined || value === null) && omitWhenNone.has(`${head}.${f.wit}`)) continue;
      parts.push(`${JSON.stringify(f.json)}:${toJsonText(f.type, value)}`);
    }
    return `{${parts.join(',')}}`;
  }

  return { toWit, toJsonText };
}
