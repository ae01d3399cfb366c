// Golden vectors against the *installed* package: run from a project that has
// @ward-risk/ward in node_modules, with node, deno or bun:
//   <runtime> vectors-cli.mjs <tests/golden dir>
import { pathToFileURL } from 'node:url';
import { loadSync } from '@ward-risk/ward';
import { runVectors } from './vectors.mjs';

const dir = pathToFileURL(`${process.argv[2] ?? ''}/`.replace(/\/+$/, '/'));
const { total, failures } = runVectors({ loadSync, vectors: new URL('vectors.jsonl', dir), bundles: new URL('bundles/', dir) });
for (const f of failures.slice(0, 5)) console.error(`MISMATCH ${f.name}\n  expected ${f.expected}\n  got      ${f.got}`);
const runtime = typeof Deno !== 'undefined' ? `deno ${Deno.version.deno}` : typeof Bun !== 'undefined' ? `bun ${Bun.version}` : `node ${process.version}`;
console.log(`${runtime}: ${total - failures.length}/${total} golden vectors byte-identical`);
process.exit(failures.length === 0 && total > 0 ? 0 : 1);
