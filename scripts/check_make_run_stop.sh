#!/usr/bin/env bash
# Does Ctrl+C stop `make run` cleanly and quickly? Starts it as a terminal would (its own
# process group), waits until the site answers, fetches a few pages, then sends SIGINT to the
# whole group (what Ctrl+C does) and times until every process it started is gone.
#
#   scripts/check_make_run_stop.sh [DIR] [make options]      e.g. scripts/check_make_run_stop.sh /tmp/fresh
#   TARGET=dev PORT=8768 scripts/check_make_run_stop.sh      the same for `make dev`
set -u
dir=${1:-.}; port=${PORT:-8765}; shift || true
cd "$dir"
log=$(mktemp)
setsid make "$@" "${TARGET:-run}" PORT="$port" >"$log" 2>&1 &
pgid=$!
for i in $(seq 1 900); do
  curl -s -o /dev/null "http://127.0.0.1:$port/accounts/login/" && break
  if ! kill -0 $pgid 2>/dev/null; then echo "make ${TARGET:-run} died"; tail -40 "$log"; exit 1; fi
  sleep 1
done
echo "ready after ${i}s"
sleep 8  # let the worker and beat finish starting
for path in / /accounts/login/ /mailbox/public/ /reports/public/ /mailbox/public/track/ /static/favicon.svg \
            /favicon.ico /no-such-page/ /media/x.jpg; do
  printf '%-26s %s\n' "$path" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")"
done
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
pids="$pgid $(descendants $pgid)"
ps -o pid,pgid,stat,cmd --forest -p "$(echo $pids | tr ' ' ',')"
start=$(date +%s.%N)
kill -INT -- -$pgid   # Ctrl+C: SIGINT to the foreground process group
alive() { local p; for p in $pids; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
while alive; do
  sleep 0.1
  if (( $(echo "$(date +%s.%N) - $start > 30" | bc) )); then
    echo "STILL RUNNING after 30 s"; ps -o pid,stat,cmd -p "$(echo $pids | tr ' ' ',')"; break
  fi
done
echo "stopped in $(echo "$(date +%s.%N) - $start" | bc) s"
left=$(for p in $pids; do kill -0 "$p" 2>/dev/null && echo "$p"; done)
echo "left over: ${left:-none}"
grep -iE "segmentation|segfault|core dumped|SIGKILL|stopped \(rc=" "$log"
echo "log: $log"
