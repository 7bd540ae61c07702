#!/bin/sh
# Vigil demo agent: what an agent inside an investigation Job does, in a few curl calls.
# Vigil gives the Job INVESTIGATION_ID, VIGIL_GATEWAY_URL and a single-use VIGIL_BOOTSTRAP_TOKEN. The agent trades the
# bootstrap token for its investigation token, asks for a credential its phase allows, asks about two actions, and
# exits 0 (the investigation then succeeds and every lease is revoked). Needs sh, curl and sed.
set -eu
: "${INVESTIGATION_ID:?not run by Vigil: INVESTIGATION_ID is missing}"
: "${VIGIL_GATEWAY_URL:?VIGIL_GATEWAY_URL is missing}"
: "${VIGIL_BOOTSTRAP_TOKEN:?VIGIL_BOOTSTRAP_TOKEN is missing}"
DOMAIN="${DEMO_CREDENTIAL_DOMAIN:-llm}"
api="$VIGIL_GATEWAY_URL/v1/investigations/$INVESTIGATION_ID"

field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

echo "demo-agent: investigation $INVESTIGATION_ID, gateway $VIGIL_GATEWAY_URL"
token=$(curl -sS -f -X POST "$api/token" -H "Authorization: Bearer $VIGIL_BOOTSTRAP_TOKEN" | field token)
[ -n "$token" ] || { echo "demo-agent: no investigation token" >&2; exit 2; }
echo "demo-agent: exchanged the bootstrap token for the investigation token"

# a credential may be rotating (503): retry a few times
for attempt in 1 2 3 4 5; do
  status=$(curl -sS -o /tmp/demo-agent-credential.$$ -w '%{http_code}' "$api/credentials/$DOMAIN" \
    -H "Authorization: Bearer $token")
  [ "$status" = 200 ] && break
  sleep 1
done
[ "$status" = 200 ] || { echo "demo-agent: credential $DOMAIN answered $status" >&2; exit 3; }
lease=$(field leaseId < /tmp/demo-agent-credential.$$)
rm -f /tmp/demo-agent-credential.$$
echo "demo-agent: got a $DOMAIN credential (lease $lease; the secret stays in memory)"

for action in 'db.query db/orders' 'ticket.comment tickets/42'; do
  set -- $action
  answer=$(curl -sS -f -X POST "$api/actions" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"action\":\"$1\",\"resource\":\"$2\",\"parameters\":{\"limit\":10}}")
  echo "demo-agent: $1 on $2 -> effect $(echo "$answer" | field effect) (policy: $(echo "$answer" | field policyEffect))"
done
echo "demo-agent: done"
