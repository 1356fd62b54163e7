#!/usr/bin/env bash
# Rolls back one feature, or every feature, through the gateway's admin API (flag off, canary 0;
# persisted in Redis and applied by every replica within a second), then checks /health.
#
# usage: deploy/rollback.sh [feature]
# env:   GATEWAY_URL          default http://127.0.0.1:8080 (any replica will do)
#        GATEWAY_ADMIN_TOKEN  the admin bearer token (unset: only works from loopback)
#        ROLLBACK_REASON      optional: why, in the audit trail and the rollback alert (500 characters kept)
# exit:  0 rolled back and healthy, 1 the gateway refused or failed the rollback,
#        2 usage, 3 the gateway cannot be reached, 4 rolled back but /health is not ok
set -euo pipefail

url="${GATEWAY_URL:-http://127.0.0.1:8080}"
url="${url%/}"
feature="${1:-}"
if [[ $# -gt 1 || "$feature" == -* ]]; then
  echo "usage: $0 [feature]" >&2
  exit 2
fi
if [[ -n "$feature" && ! "$feature" =~ ^[A-Za-z0-9_.-]+$ ]]; then
  echo "error: feature names are letters, digits, '_', '.', '-'" >&2
  exit 2
fi

body="$(mktemp)"
trap 'rm -f "$body"' EXIT
auth=()
if [[ -n "${GATEWAY_ADMIN_TOKEN:-}" ]]; then
  # Through a here-string, so the token never shows in the process list.
  auth=(--config -)
fi

# call METHOD PATH [CURL_ARGS...]: writes the response body to $body, prints the HTTP status.
call() {
  local method="$1" path="$2"
  shift 2
  if [[ ${#auth[@]} -gt 0 ]]; then
    curl -sS --max-time 10 -X "$method" -o "$body" -w '%{http_code}' "${auth[@]}" "$@" "$url$path" <<<"header = \"Authorization: Bearer ${GATEWAY_ADMIN_TOKEN}\""
  else
    curl -sS --max-time 10 -X "$method" -o "$body" -w '%{http_code}' "$@" "$url$path"
  fi
}

# The reason as a JSON body, without jq: control characters dropped, \ and " escaped.
data=()
reason="$(printf '%s' "${ROLLBACK_REASON:-}" | tr -d '\000-\037')"
reason="${reason:0:500}"
if [[ -n "$reason" ]]; then
  reason="${reason//\\/\\\\}"
  reason="${reason//\"/\\\"}"
  data=(-H 'content-type: application/json' --data-binary "{\"reason\":\"${reason}\"}")
fi

# json_list KEY: the strings of a flat JSON array in $body ("a, b"), without needing jq.
json_list() {
  sed -n "s/.*\"$1\":\[\([^]]*\)\].*/\1/p" "$body" | tr -d '"' | sed 's/,/, /g'
}

target="${feature:-every feature}"
path="/admin/rollback${feature:+/$feature}"
echo "rolling back $target at $url ..."
if ! status="$(call POST "$path" ${data[@]+"${data[@]}"})"; then
  echo "FAILED: cannot reach the gateway at $url; nothing was changed" >&2
  exit 3
fi
if [[ "$status" != 200 ]]; then
  echo "FAILED: the gateway answered $status to POST $path:" >&2
  cat "$body" >&2; echo >&2
  done_list="$(json_list rolledBack)"
  [[ -n "$done_list" ]] && echo "rolled back anyway: $done_list" >&2
  exit 1
fi
echo "rolled back: $(json_list rolledBack) (flag off, canary 0%, persisted, on every replica)"
if grep -q '"warnings":\[[^]]' "$body"; then
  echo "WARNING: the gateway reported:" >&2
  sed -n 's/.*"warnings":\[\(.*\)\].*/\1/p' "$body" >&2
fi

if ! status="$(call GET /health)"; then
  echo "HEALTH: cannot reach $url/health after the rollback" >&2
  exit 4
fi
if [[ "$status" == 200 ]] && grep -q '"status":"ok"' "$body"; then
  echo "health: ok"
  exit 0
fi
echo "HEALTH: not ok (HTTP $status) after the rollback; traffic is on legacy, look at the upstreams:" >&2
cat "$body" >&2; echo >&2
exit 4
