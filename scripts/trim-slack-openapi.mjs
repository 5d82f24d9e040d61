// Trims Slack's Web API description (Swagger 2.0) to the methods listed in a
// file, keeping every definition they reference (transitively).
// Usage: node trim-slack-openapi.mjs SPEC.json METHODS.txt SOURCE > trimmed.json
import { readFileSync } from "node:fs";

const [specPath, methodsPath, source] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, "utf8"));
if (spec.swagger !== "2.0" || spec.info?.version !== "1.7.0") {
  console.error(`expected Swagger 2.0, version 1.7.0; found ${spec.swagger}, ${spec.info?.version}`);
  process.exit(1);
}
const methods = readFileSync(methodsPath, "utf8")
  .split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));

const out = {
  swagger: spec.swagger,
  info: { ...spec.info, "x-steward-source": source,
    "x-steward-note": "Trimmed by scripts/extract-slack-reference.sh to the methods steward calls." },
  host: spec.host, basePath: spec.basePath, schemes: spec.schemes,
  paths: {}, definitions: {},
};
const missing = [];
for (const m of methods) {
  const item = spec.paths["/" + m];
  if (!item) { missing.push(m); continue; }
  out.paths["/" + m] = item;
}
if (missing.length) {
  console.error("not in the description: " + missing.join(", "));
  process.exit(1);
}
const seen = new Set();
const queue = [out.paths];
while (queue.length) {
  const v = queue.pop();
  if (Array.isArray(v)) { v.forEach((x) => queue.push(x)); continue; }
  if (!v || typeof v !== "object") continue;
  for (const [k, x] of Object.entries(v)) {
    if (k === "$ref" && typeof x === "string" && !seen.has(x)) {
      seen.add(x);
      const name = x.replace("#/definitions/", "");
      out.definitions[name] = spec.definitions[name];
      queue.push(spec.definitions[name]);
    } else {
      queue.push(x);
    }
  }
}
out.definitions = Object.fromEntries(Object.entries(out.definitions).sort(([a], [b]) => a.localeCompare(b)));
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
console.error(`${methods.length} methods, ${seen.size} definitions`);
