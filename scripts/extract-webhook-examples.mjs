// Copies the webhook examples for the events steward's GitHub App
// subscribes to, one example per event and action, from
// @octokit/webhooks-examples (api.github.com/index.json).
// Usage: node extract-webhook-examples.mjs INDEX.json OUTDIR SOURCE
import { readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";

const [index, outDir, source] = process.argv.slice(2);
const events = ["issues", "pull_request", "installation", "ping"];
const all = JSON.parse(readFileSync(index, "utf8"));
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const written = [];
for (const e of all.filter((x) => events.includes(x.name))) {
  const seen = new Set();
  for (const ex of e.examples) {
    const action = ex.action ?? "event";
    if (seen.has(action)) continue;
    seen.add(action);
    const name = `${e.name}.${action}.json`;
    writeFileSync(`${outDir}/${name}`, JSON.stringify(ex) + "\n");
    written.push(name);
  }
}
writeFileSync(`${outDir}/SOURCE`, `${source}: api.github.com/index.json, one example per event and action of ${events.join(", ")}\n`);
console.error(`${written.length} examples`);
