#!/usr/bin/env bash
# Makes the trimmed GitHub reference data the sandbox tests check against,
# from GitHub's own published API descriptions on the npm registry:
#   @octokit/openapi@23.0.2         generated/api.github.com.json (REST)
#   @octokit/graphql-schema@15.26.1 schema.graphql (GraphQL)
# Needs node and npm. Tests never run this: they read what it committed.
#   internal/sandbox/testdata/github-openapi.json    the operations in github-operations.txt
#   internal/sandbox/testdata/github-schema.graphql  what the documents in github-documents.graphql use
#   internal/server/testdata/webhooks/               @octokit/webhooks-examples@7.6.1, for the events the App takes
set -euo pipefail
cd "$(dirname "$0")/.."

OPENAPI=@octokit/openapi@23.0.2
SCHEMA=@octokit/graphql-schema@15.26.1
GRAPHQL_JS=graphql@16.15.0
out=internal/sandbox/testdata

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$OPENAPI" "$SCHEMA" >/dev/null \
  && mkdir openapi schema && tar xzf octokit-openapi-*.tgz -C openapi && tar xzf octokit-graphql-schema-*.tgz -C schema \
  && npm install --silent --no-save --prefix js "$GRAPHQL_JS" >/dev/null)

node scripts/trim-openapi.mjs "$tmp/openapi/package/generated/api.github.com.json" \
  "$out/github-operations.txt" "$OPENAPI" > "$out/github-openapi.json"

# The documents steward sends, as the Go code defines them.
go test ./internal/sandbox -run TestGraphQLDocumentsFile -update >/dev/null
node scripts/trim-graphql-schema.mjs "$tmp/js/node_modules" "$tmp/schema/package/schema.graphql" \
  "$out/github-documents.graphql" "$SCHEMA" > "$out/github-schema.graphql"
echo "wrote $out/github-openapi.json and $out/github-schema.graphql"

# Webhook payloads for the server's tests.
WEBHOOKS=@octokit/webhooks-examples@7.6.1
(cd "$tmp" && npm pack --silent "$WEBHOOKS" >/dev/null && mkdir webhooks && tar xzf octokit-webhooks-examples-*.tgz -C webhooks)
node scripts/extract-webhook-examples.mjs "$tmp/webhooks/package/api.github.com/index.json" internal/server/testdata/webhooks "$WEBHOOKS"
echo "wrote internal/server/testdata/webhooks"
