// Trims GitHub's REST OpenAPI description to the operations listed in a file,
// keeping every component they reference (transitively) and dropping
// examples, which the description does not keep consistent with its schemas.
// Usage: node trim-openapi.mjs API.json OPERATIONS.txt SOURCE > trimmed.json
import { readFileSync } from "node:fs";

const [specPath, opsPath, source] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, "utf8"));
const ops = readFileSync(opsPath, "utf8")
  .split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
  .map((l) => { const [method, path] = l.split(/\s+/); return { method: method.toLowerCase(), path }; });

const out = {
  openapi: spec.openapi,
  info: { ...spec.info, "x-steward-source": source,
    "x-steward-note": "Trimmed by scripts/extract-github-reference.sh to the operations steward uses." },
  servers: spec.servers,
  paths: {},
  components: {},
};

const dropExamples = (v) => {
  if (Array.isArray(v)) return v.map(dropExamples);
  if (v && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "examples" || k === "example") continue;
      o[k] = dropExamples(x);
    }
    return o;
  }
  return v;
};

const missing = [];
for (const { method, path } of ops) {
  const op = spec.paths[path]?.[method];
  if (!op) { missing.push(`${method.toUpperCase()} ${path}`); continue; }
  out.paths[path] ??= {};
  if (spec.paths[path].parameters) out.paths[path].parameters = spec.paths[path].parameters;
  out.paths[path][method] = dropExamples(op);
}
if (missing.length) {
  console.error("not in the description:\n  " + missing.join("\n  "));
  process.exit(1);
}

// Copy referenced components until no new reference appears.
const seen = new Set();
const queue = [out.paths];
while (queue.length) {
  const v = queue.pop();
  if (Array.isArray(v)) { v.forEach((x) => queue.push(x)); continue; }
  if (!v || typeof v !== "object") continue;
  for (const [k, x] of Object.entries(v)) {
    if (k === "$ref" && typeof x === "string" && !seen.has(x)) {
      seen.add(x);
      const [, , kind, name] = x.split("/");
      const def = dropExamples(spec.components[kind][name]);
      out.components[kind] ??= {};
      out.components[kind][name] = def;
      queue.push(def);
    } else {
      queue.push(x);
    }
  }
}
for (const kind of Object.keys(out.components)) {
  out.components[kind] = Object.fromEntries(Object.entries(out.components[kind]).sort(([a], [b]) => a.localeCompare(b)));
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
console.error(`${ops.length} operations, ${seen.size} components`);
