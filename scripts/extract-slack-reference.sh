#!/usr/bin/env bash
# Makes the trimmed Slack reference the Slack emulator's contract check reads,
# from Slack's own published description of its Web API:
#   slackapi/slack-api-specs, web-api/slack_web_openapi_v2.json
#   (Swagger 2.0, info.version 1.7.0, 2021)
# Usage: scripts/extract-slack-reference.sh PATH/TO/slack_web_openapi_v2.json
# (a checkout of slackapi/slack-api-specs, or the team's copy of that file).
# Needs node. Tests never run this:
# they read what it committed,
#   internal/sandbox/testdata/slack-web-openapi.json, the methods in slack-methods.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

src=${1:?usage: $0 PATH/TO/slack_web_openapi_v2.json}
out=internal/sandbox/testdata
node scripts/trim-slack-openapi.mjs "$src" "$out/slack-methods.txt" \
  "slackapi/slack-api-specs web-api/slack_web_openapi_v2.json (Swagger 2.0, version 1.7.0)" \
  > "$out/slack-web-openapi.json"
echo "wrote $out/slack-web-openapi.json"
