// Trims GitHub's GraphQL schema to what a set of documents uses: the fields
// they select (with every argument of those fields), the input and enum types
// those need, and the interfaces and unions their fragments name.
// GitHub's published SDL defines two EnterpriseOwnerInfo fields twice, which
// strict loaders refuse; the repeats are dropped first, and said so.
// Usage: node trim-graphql-schema.mjs GRAPHQL_DIR SCHEMA.graphql DOCUMENTS.graphql SOURCE > trimmed.graphql
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [graphqlDir, schemaPath, docsPath, source] = process.argv.slice(2);
const require = createRequire(graphqlDir + "/");
const g = require("graphql");

// 1. Drop repeated field definitions inside a type (the known SDL defect).
let sdl = readFileSync(schemaPath, "utf8");
const ast0 = g.parse(sdl, { noLocation: false });
const dropped = [];
const defs = ast0.definitions.map((d) => {
  if (!d.fields) return d;
  const seen = new Set();
  const fields = d.fields.filter((f) => {
    if (seen.has(f.name.value)) { dropped.push(`${d.name.value}.${f.name.value}`); return false; }
    seen.add(f.name.value); return true;
  });
  return { ...d, fields };
});
console.error(`dropped repeated definitions: ${dropped.join(", ") || "none"}`);
const full = g.buildASTSchema({ ...ast0, definitions: defs }, { assumeValidSDL: true });
const fullErrors = g.validateSchema(full);
if (fullErrors.length) { console.error(fullErrors.map(String).join("\n")); process.exit(1); }

// 2. Walk the documents against the full schema, collecting what they use.
const docs = g.parse(readFileSync(docsPath, "utf8"));
const docErrors = g.validate(full, docs);
if (docErrors.length) { console.error(docErrors.map(String).join("\n")); process.exit(1); }
const keepFields = new Map(); // type name -> Set(field names)
const keepTypes = new Set(["Query", "Mutation"]);
const use = (type, field) => {
  if (!keepFields.has(type)) keepFields.set(type, new Set());
  keepFields.get(type).add(field);
  keepTypes.add(type);
};
const info = new g.TypeInfo(full);
g.visit(docs, g.visitWithTypeInfo(info, {
  Field() {
    const parent = info.getParentType();
    const field = info.getFieldDef();
    if (parent && field && !field.name.startsWith("__")) use(parent.name, field.name);
  },
  InlineFragment(node) { if (node.typeCondition) keepTypes.add(node.typeCondition.name.value); },
  VariableDefinition(node) { keepTypes.add(g.getNamedType(g.typeFromAST(full, node.type)).name); },
}));

// 3. Close over types: field types, argument types, input fields.
const queue = [...keepTypes];
const add = (t) => { const n = g.getNamedType(t).name; if (!keepTypes.has(n)) { keepTypes.add(n); queue.push(n); } };
while (queue.length) {
  const t = full.getType(queue.pop());
  if (g.isObjectType(t) || g.isInterfaceType(t)) {
    for (const name of keepFields.get(t.name) ?? []) {
      const f = t.getFields()[name];
      add(f.type); f.args.forEach((a) => add(a.type));
    }
    // An object keeps the interfaces it is asked through, and their fields.
    for (const i of t.getInterfaces()) {
      if (keepTypes.has(i.name)) for (const f of keepFields.get(i.name) ?? []) use(t.name, f);
    }
  }
  if (g.isInterfaceType(t)) {
    for (const impl of full.getPossibleTypes(t)) {
      if (keepTypes.has(impl.name)) for (const f of keepFields.get(t.name) ?? []) use(impl.name, f);
    }
  }
  if (g.isInputObjectType(t)) Object.values(t.getFields()).forEach((f) => add(f.type));
}

// 4. Settle the field sets: a type with no selected field keeps "id" (or
// its first field), and a type keeps every field of the kept interfaces it
// implements. Repeat until nothing changes, closing over new field types.
for (let changed = true; changed; ) {
  changed = false;
  for (const name of [...keepTypes]) {
    const t = full.getType(name);
    if (!(g.isObjectType(t) || g.isInterfaceType(t))) continue;
    const fields = t.getFields();
    if (!keepFields.get(name)?.size) { use(name, "id" in fields ? "id" : Object.keys(fields)[0]); changed = true; }
    for (const i of t.getInterfaces()) {
      if (!keepTypes.has(i.name)) continue;
      for (const f of keepFields.get(i.name) ?? []) {
        if (!keepFields.get(name).has(f)) { use(name, f); changed = true; }
      }
    }
    for (const f of keepFields.get(name)) {
      const def = fields[f];
      for (const x of [def.type, ...def.args.map((a) => a.type)]) {
        const n = g.getNamedType(x).name;
        if (!keepTypes.has(n)) { keepTypes.add(n); changed = true; }
      }
    }
  }
}

// 5. Print only what is kept; interfaces and union members only when kept.
const print = [];
for (const name of [...keepTypes].sort()) {
  const t = full.getType(name);
  if (g.isSpecifiedScalarType(t)) continue;
  if (g.isScalarType(t)) { print.push(`scalar ${name}`); continue; }
  if (g.isEnumType(t)) { print.push(`enum ${name} {\n${t.getValues().map((v) => "  " + v.name).join("\n")}\n}`); continue; }
  if (g.isInputObjectType(t)) {
    print.push(`input ${name} {\n${Object.values(t.getFields()).map((f) => `  ${f.name}: ${f.type}`).join("\n")}\n}`);
    continue;
  }
  if (g.isUnionType(t)) {
    const members = t.getTypes().filter((m) => keepTypes.has(m.name)).map((m) => m.name);
    print.push(`union ${name} = ${members.join(" | ")}`);
    continue;
  }
  const fields = [...keepFields.get(name)];
  const impl = (t.getInterfaces?.() ?? []).filter((i) => keepTypes.has(i.name)).map((i) => i.name);
  const kw = g.isInterfaceType(t) ? "interface" : "type";
  const body = fields.sort().map((fname) => {
    const f = t.getFields()[fname];
    const args = f.args.length ? `(${f.args.map((a) => `${a.name}: ${a.type}`).join(", ")})` : "";
    return `  ${fname}${args}: ${f.type}`;
  });
  print.push(`${kw} ${name}${impl.length ? " implements " + impl.join(" & ") : ""} {\n${body.join("\n")}\n}`);
}
const header = `# GitHub's GraphQL schema from ${source}, trimmed by
# scripts/extract-github-reference.sh to what steward's documents use.
# Repeated definitions dropped from the published SDL: ${dropped.join(", ") || "none"}.
schema { query: Query mutation: Mutation }
`;
const out = header + "\n" + print.join("\n\n") + "\n";
const check = g.buildSchema(out);
const errs = g.validateSchema(check).concat(g.validate(check, docs));
if (errs.length) { console.error("trimmed schema does not hold:\n" + errs.map(String).join("\n")); process.exit(1); }
process.stdout.write(out);
console.error(`${keepTypes.size} types kept`);
