# Sourced by the test scripts: timed steps, failure, and a free loopback port.
ms() { date +%s%3N; }
T_ALL=$(ms)
step_start=0
step() { step_start=$(ms); printf '\n== %s\n' "$*"; }
took() { echo "   ($(($(ms) - step_start)) ms)"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
# A free port on the host's loopback (the kernel picks it; the tiny race with another process is accepted).
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# check_pages BASE WHERE: the pages for people (/ leads to the dashboard; /docs, /docs/control) and
# every file they load from the sandbox (the dashboard's styles and client modules, Swagger UI's
# bundle and styles) answer 200 at BASE; WHERE names the server in the failure.
check_pages() {
  local base=$1 where=$2 page status
  local pages=(/ /_mock/ui /_mock/ui/dashboard.css /docs /docs/control /docs/assets/swagger-ui-dist/swagger-ui-bundle.js /docs/assets/swagger-ui-dist/swagger-ui.css)
  for page in "$ROOT"/server/dashboard/client/*.js; do pages+=("/_mock/ui/client/$(basename "$page")"); done
  for page in "${pages[@]}"; do
    status=$(curl -sSL --max-time 10 -o /dev/null -w '%{http_code}' "$base$page") || status="no answer"
    [ "$status" = 200 ] || fail "$page answered $status from $where"
  done
  echo "   dashboard and API docs served with their ${#pages[@]} files (all 200)"
}
