# What bench/run.sh and bench/replicas.sh share: the settings of a run,
# and the wrk scripts of the demo endpoints. Sourced, not run. Set
# LUA_DIR before calling lua or demo_scripts if the scripts are not to go
# to $OUT.

OUT=bench/out
DURATION=${DURATION:-15s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
ADMIN_TOKEN=bench-admin-token-0123456789
export AICCD_ADMIN_TOKEN=$ADMIN_TOKEN AICCD_LOG_LEVEL=warn AICCD_MASTER_KEY=YmVuY2gtbWFzdGVyLWtleS0wMTIzNDU2Nzg5YWJjZGU=

say() { printf '\n==> %s\n' "$*" >&2; }

# lua NAME METHOD PATH BODY HEADER... writes a wrk script.
lua() {
  local name=$1 method=$2 path=$3 body=$4; shift 4
  {
    echo "wrk.method = \"$method\""
    echo "wrk.path = \"$path\""
    [ -n "$body" ] && printf 'wrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' "$body"
    for h in "$@"; do printf 'wrk.headers["%s"] = [[%s]]\n' "${h%%: *}" "${h#*: }"; done
  } > "${LUA_DIR:-$OUT}/$name.lua"
}

# demo_scripts BASEURL [TOKEN]: writes the wrk scripts of the six demo
# endpoints against BASEURL, with a gateway token it issues; TOKEN stands
# in when it issues none (Prism), and without TOKEN that is an error.
demo_scripts() {
  local base=$1 token signed check='{"searchType":"mobile","searchKey":"0086-13700000000"}'
  token=$(curl -s -X POST "$base/apigovernance/api/oauth/tokenByAkSk" -H 'Content-Type: application/json' \
    -d '{"app_key":"demo-app-key","app_secret":"demo-app-secret"}' | sed -n 's/.*"AccessToken":"\([^"]*\)".*/\1/p')
  if [ -z "$token" ]; then
    [ -n "${2:-}" ] || { echo "bench: no gateway token from $base" >&2; exit 1; }
    token=$2
  fi
  mapfile -t signed < <("$OUT/sign" -url "$base/v1.0/demo-partner/partner/customer-mgr/check-user" -body "$check")
  lua tokenByAkSk POST /apigovernance/api/oauth/tokenByAkSk '{"app_key":"demo-app-key","app_secret":"demo-app-secret"}'
  lua querytenantbasic GET /rest/oma/softwareconsole/tenant/querytenantbasic "" "X-Auth-Token: demo-mall-token"
  lua querytenantinfo GET /rest/oma/softwareconsole/trialtenant/querytenantinfo "" "X-Auth-Token: ${TRIAL_TOKEN:-demo-trial-token}"
  lua check-user POST /v1.0/demo-partner/partner/customer-mgr/check-user "$check" "${signed[@]}"
  lua queryAccessCodeList POST /apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList \
    '{"accessCode":"9911411","mediatypeId":5,"limit":10,"offset":0}' "Authorization: Bearer $token" "X-APP-Key: demo-app-key"
  lua queryfaultyuser POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser \
    '{"msisdn":"6680512100869","faultTime":"1721283133000","complaintScene":"1","backtraceDuration":"3600","sessionID":"20240709","queryFlag":"1"}' \
    "Authorization: Bearer $token" "X-APP-Key: demo-app-key"
}
