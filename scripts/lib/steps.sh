# Sourced by the test scripts: timed steps, failure, and a free loopback port.
ms() { date +%s%3N; }
T_ALL=$(ms)
step_start=0
step() { step_start=$(ms); printf '\n== %s\n' "$*"; }
took() { echo "   ($(($(ms) - step_start)) ms)"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
# A free port on the host's loopback (the kernel picks it; the tiny race with another process is accepted).
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
