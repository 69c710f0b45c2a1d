// Checks real server answers against the dashboard's TypeScript types.
//
//   node contract/check.mjs <folder of NAME.json bodies>
//
// For every entry of CONTRACT it writes `const body: Type = <the JSON body>;` into a .ts file and
// type-checks them all with the project's own `typescript` and compiler options. An object literal
// gets TypeScript's excess-property check, so a field the server sends that the type does not know
// fails as surely as a required field the server no longer sends, or a value of the wrong kind.
// `open: true` (a type that names only the fields the page reads) skips the check of extra fields
// at the top level only. UiContractTest in platform/server fetches the bodies and runs this.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const uiRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Each body the server writes (NAME.json), the type the dashboard reads it as, and from where. */
export const CONTRACT = [
  { name: 'auth-me', type: 'Me', from: 'src/auth' },
  { name: 'dashboard-runs-page', type: 'RunsPage', from: 'src/api' },
  { name: 'dashboard-runs-by-ids', type: 'RunsByIds', from: 'src/api' },
  { name: 'dashboard-tags', type: 'TagsResponse', from: 'src/types' },
  { name: 'dashboard-scalars', type: 'ScalarsResponse', from: 'src/types' },
  { name: 'dashboard-scalars-nan', type: 'ScalarsResponse', from: 'src/types' },
  { name: 'run-images', type: 'ImagesResponse', from: 'src/types' },
  { name: 'run-histograms', type: 'HistogramsResponse', from: 'src/types' },
  { name: 'run-texts', type: 'TextsResponse', from: 'src/types' },
  { name: 'run-graph-trained', type: 'GraphNode', from: 'src/types' },
  { name: 'run-detail', type: 'RunDetail', from: 'src/runPage', open: true },
  { name: 'run-artifacts', type: 'ArtifactsResponse', from: 'src/runPage' },
  { name: 'sweeps', type: 'SweepsResponse', from: 'src/types' },
  { name: 'sweep-detail', type: 'SweepDetail', from: 'src/types' },
  { name: 'sweep-trials', type: 'TrialsResponse', from: 'src/types' },
  { name: 'sweep-importance', type: 'SweepImportance', from: 'src/types' },
];

/**
 * Type-checks the bodies (name -> JSON text) against CONTRACT; returns the problems, one line
 * each, empty when every body fits its type. `work`: a folder for the generated .ts files (a new
 * temporary one by default); `partial`: check only the bodies given, without asking for the rest.
 */
export function check(bodies, { work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-contract-')), partial = false } = {}) {
  const problems = [];
  fs.mkdirSync(work, { recursive: true });
  const files = new Map();
  for (const c of CONTRACT) {
    const text = bodies.get(c.name);
    if (text === undefined) {
      if (partial) continue;
      problems.push(`${c.name}: no body (the server test did not write ${c.name}.json)`);
      continue;
    }
    let pretty;
    try {
      // one value a line, so that a problem's line shows the field
      pretty = JSON.stringify(JSON.parse(text), null, 2);
    } catch (e) {
      problems.push(`${c.name}: not JSON: ${e.message}`);
      continue;
    }
    const from = path.join(uiRoot, c.from).split(path.sep).join('/');
    const type = c.open ? `${c.type} & { [field: string]: unknown }` : c.type;
    const source =
      `import type { ${c.type} } from '${from}';\n` +
      `export const body: ${type} = ${pretty};\n`;
    const file = path.join(work, `${c.name}.ts`);
    fs.writeFileSync(file, source);
    files.set(path.resolve(file), c.name);
  }
  const config = ts.readConfigFile(path.join(uiRoot, 'tsconfig.json'), ts.sys.readFile);
  const options = ts.parseJsonConfigFileContent(config.config, ts.sys, uiRoot).options;
  const program = ts.createProgram([...files.keys()], { ...options, noEmit: true, noUnusedLocals: false });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const name = d.file ? files.get(path.resolve(d.file.fileName)) : undefined;
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (name === undefined) {
      problems.push(`${d.file ? path.relative(uiRoot, d.file.fileName) : 'tsc'}: ${message}`);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const at = d.file.text.split('\n')[line].trim().slice(0, 120);
    problems.push(`${name}.json: ${message} (at: ${at})`);
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node contract/check.mjs <folder of NAME.json bodies>');
    process.exit(2);
  }
  const bodies = new Map();
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.json')) bodies.set(f.slice(0, -5), fs.readFileSync(path.join(dir, f), 'utf8'));
  }
  const problems = check(bodies, { work: path.join(dir, 'ts') });
  for (const p of problems) console.log(p);
  console.log(problems.length ? `${problems.length} problem(s): the server's answers do not fit tracker-ui's types` : `${CONTRACT.length} answers fit tracker-ui's types`);
  process.exit(problems.length ? 1 : 0);
}
