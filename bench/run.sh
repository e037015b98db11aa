#!/usr/bin/env bash
# The Glasshouse benchmark, in one command; docs/BENCHMARKS.md explains it.
#
#   bench/run.sh [--entries N] [--duration 15s] [--no-write]
#
# Builds the release binary, seeds N entries (cached between runs by N and
# by the sources that decide the database's contents), then measures start-up,
# memory, HTTP loads with wrk, the raw fsync rate and the CSV export, and
# writes the results into docs/BENCHMARKS.md (unless --no-write).
set -euo pipefail

entries=1000000
duration=15s
write_doc=1
while (($#)); do
  case "$1" in
    --entries) entries=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --no-write) write_doc=0; shift ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v wrk >/dev/null || apt-get install -y wrk
command -v python3 >/dev/null || apt-get install -y python3

# Other work on the machine shows in every p99; the table says how busy it was.
load_at_start=$(cut -d' ' -f1 /proc/loadavg)

echo "== building the release binary"
cargo build --release --quiet
bin=$root/target/release/glasshouse

# --- seeding, cached -------------------------------------------------------
sources=$(cat src/store/*.rs src/cli/seed.rs src/cli/seed/*.rs src/domain/*.rs | sha256sum | cut -c1-12)
cache=${GLASSHOUSE_BENCH_CACHE:-${TMPDIR:-/tmp}/glasshouse-bench}
# The day is in the key too: the seeded entries end yesterday, and the portal
# session the seeder signs in times out after 12 idle hours.
seeded=$cache/seed-$entries-$sources-$(date -u +%Y%m%d)
if [[ ! -f $seeded/bench-token ]]; then
  echo "== seeding $entries entries into $seeded"
  rm -rf "$seeded" "$seeded.partial"
  mkdir -p "$cache"
  "$bin" --data "$seeded.partial" seed --entries "$entries" | tee "$cache/seed.log"
  mv "$cache/seed.log" "$seeded.partial/seed.log"
  mv "$seeded.partial" "$seeded"
else
  echo "== using the seeded data in $seeded"
fi
seed_line=$(grep '^entries:' "$seeded/seed.log" | head -1)
seed_rate=$(awk '{print $2}' <<<"$seed_line")
seed_total=$(grep -o '[0-9.]* s$' "$seeded/seed.log" | head -1)
db_bytes=$(stat -c %s "$seeded/glasshouse.redb")

work=$(mktemp -d "${TMPDIR:-/tmp}/glasshouse-bench-run.XXXXXX")
server=
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
data=$work/data
cp -a "$seeded" "$data"
# Flush the copy now, or the server's first fsync pays for writing it all.
sync "$data/glasshouse.redb"
token=$(cat "$data/bench-token")
project=$(cat "$data/bench-project")
# Category 1 is the first billable category of the seeded agency.
category=1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

# --- start-up ----------------------------------------------------------------
# A bare HTTP/1.0 request over bash's /dev/tcp, so polling costs no process.
healthy() {
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3
  local status=
  read -r _ status _ <&3 || true
  exec 3>&-
  [[ $status == 200 ]]
}

# Starts the server; sets `server` to its pid and `startup` to the time until
# it answered, in tenths of a millisecond.
start_server() {
  local began now
  began=$(date +%s%N)
  GLASSHOUSE_LOG=warn "$bin" --data "$data" serve --listen "127.0.0.1:$port" \
    >>"$work/server.log" 2>&1 &
  server=$!
  until healthy; do
    if ! kill -0 "$server" 2>/dev/null; then
      cat "$work/server.log" >&2
      echo "the server exited during start-up" >&2
      exit 1
    fi
  done
  now=$(date +%s%N)
  startup=$(((now - began) / 100000))
}

stop_server() {
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
}

echo "== start-up to healthy, 5 runs"
startups=()
for _ in 1 2 3 4 5; do
  start_server
  startups+=("$startup")
  stop_server
done
sorted=$(printf '%s\n' "${startups[@]}" | sort -n)
tenths() { awk -v t="$1" 'BEGIN { printf "%.1f", t / 10 }'; }
startup_median=$(tenths "$(sed -n 3p <<<"$sorted")")
startup_max=$(tenths "$(sed -n 5p <<<"$sorted")")
echo "median $startup_median ms, slowest $startup_max ms"

# Each phase below gets a fresh server, so one phase's memory (redb's page
# cache filled by the export, above all) never shows up in another's.
start_server
pid=$server

kib() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$pid/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
reset_peak() { echo 5 >"/proc/$pid/clear_refs"; }

sleep 2
idle_rss=$(kib VmRSS)
echo "== idle RSS $(mib "$idle_rss") MiB"

# --- loads -------------------------------------------------------------------
# Results of each scenario: rps, p50 and p99 in ms, failed requests, or a note.
declare -A rps p50 p99 failed note

to_ms() {
  awk '{ v = $1; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
         f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1;
         printf "%.2f", v * f }'
}

probe() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# wrk_run NAME CONNECTIONS URL [wrk options...]
wrk_run() {
  local name=$1 connections=$2 url=$3 threads=2
  shift 3
  ((connections < threads)) && threads=$connections
  echo "== $name: $connections connection(s), $duration"
  wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" "$url" >"$work/$name.txt"
  cat "$work/$name.txt"
  rps[$name]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/$name.txt")
  p50[$name]=$(awk '$1 == "50%" { print $2 }' "$work/$name.txt" | to_ms)
  p99[$name]=$(awk '$1 == "99%" { print $2 }' "$work/$name.txt" | to_ms)
  failed[$name]=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$work/$name.txt")
}

auth=(-H "Authorization: Bearer $token")

reset_peak
summary_url=$base/api/v1/projects/$project/summary
status=$(probe "${auth[@]}" "$summary_url")
if [[ $status == 200 ]]; then
  wrk_run summary 8 "$summary_url" "${auth[@]}"
else
  note[summary]="not measured: the route answered $status"
fi

portal_url=$base/portal/projects/$project
portal_cookie=${GLASSHOUSE_BENCH_PORTAL_COOKIE:-}
if [[ -z $portal_cookie && -f $data/bench-portal-cookie ]]; then
  portal_cookie=$(cat "$data/bench-portal-cookie")
fi
cookie=()
[[ -n $portal_cookie ]] && cookie=(-H "Cookie: $portal_cookie")
status=$(probe "${cookie[@]}" "$portal_url")
if [[ $status == 404 ]]; then
  note[portal]="skipped: /portal/projects/{id} answered 404 (no portal in this build)"
  echo "== portal: ${note[portal]}"
elif [[ $status != 200 ]]; then
  note[portal]="not measured: the route answered $status without a contact session"
  echo "== portal: ${note[portal]}"
else
  wrk_run portal 32 "$portal_url" "${cookie[@]}"
fi
read_peak=$(kib VmHWM)

stop_server
start_server
pid=$server
sleep 1
echo "== CSV export"
csv_url=$base/api/v1/entries.csv
before=$(kib VmRSS)
reset_peak
csv=$(curl -s -o "$work/export.csv" -w '%{http_code} %{time_total}' "${auth[@]}" "$csv_url")
csv_peak=$(kib VmHWM)
csv_status=${csv%% *}
if [[ $csv_status == 200 ]]; then
  csv_seconds=$(awk -v s="${csv##* }" 'BEGIN { printf "%.2f", s }')
  csv_rows=$(($(wc -l <"$work/export.csv") - 1))
  csv_bytes=$(stat -c %s "$work/export.csv")
  csv_added=$((csv_peak - before))
  echo "$csv_rows rows, $csv_bytes bytes in $csv_seconds s; peak RSS +$(mib "$csv_added") MiB"
else
  note[csv]="not measured: the route answered $csv_status"
  echo "== csv: ${note[csv]}"
fi
rm -f "$work/export.csv"

stop_server
start_server
pid=$server
sleep 1
reset_peak
create_url=$base/api/v1/entries
export GLASSHOUSE_BENCH_TOKEN=$token GLASSHOUSE_BENCH_PROJECT=$project \
  GLASSHOUSE_BENCH_CATEGORY=$category
status=$(probe -X POST "${auth[@]}" -H 'Content-Type: application/json' \
  --data "{\"project_id\":$project,\"category_id\":$category,\"start\":\"2026-01-05T09:00:00Z\",\"end\":\"2026-01-05T09:30:00Z\",\"description\":\"Benchmark probe\"}" \
  "$create_url")
if [[ $status == 201 || $status == 200 ]]; then
  wrk_run create64 64 "$create_url" -s bench/create.lua
  wrk_run create1 1 "$create_url" -s bench/create.lua
else
  note[create64]="not measured: the route answered $status"
  note[create1]=${note[create64]}
  echo "== creates: ${note[create64]}"
fi
write_peak=$(kib VmHWM)
load_peak=$((read_peak > write_peak ? read_peak : write_peak))

echo "== raw fsync rate of the data directory's disk"
fsync_rate=$(python3 bench/fsync.py "$work" 5)
echo "$fsync_rate fsyncs/s"

stop_server
db_after=$(stat -c %s "$data/glasshouse.redb")

# --- the table ---------------------------------------------------------------
cell() { # cell NAME -> "rps req/s, p50 x ms, p99 y ms" or the note
  local n=$1
  if [[ -n ${note[$n]:-} ]]; then echo "${note[$n]}"; return; fi
  local f=${failed[$n]}
  local text="${rps[$n]}/s, p50 ${p50[$n]} ms, p99 ${p99[$n]} ms"
  ((f > 0)) && text="$text, **$f failed**"
  echo "$text"
}
csv_cell() {
  if [[ -n ${note[csv]:-} ]]; then echo "${note[csv]}"; return; fi
  echo "$csv_rows rows ($(awk -v b="$csv_bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB) in ${csv_seconds} s; +$(mib "$csv_added") MiB peak RSS"
}
mb_per_million=$(awk -v b="$db_bytes" -v n="$entries" 'BEGIN { printf "%.0f", b / 1e6 / n * 1e6 }')
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
disk_dev=$(df --output=source "$work" | tail -1)
disk_fs=$(df --output=fstype "$work" | tail -1)
rota=$(lsblk -ndo ROTA "$disk_dev" 2>/dev/null || echo "?")
disk_kind=$([[ $rota == 0 ]] && echo "non-rotational" || ([[ $rota == 1 ]] && echo "rotational" || echo "unknown kind"))

results=$(cat <<EOF
Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit \`$(git rev-parse --short HEAD)\`$(git diff --quiet || echo ' (with local changes)')
with \`bench/run.sh --entries $entries --duration $duration\`.

Machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM,
Linux $(uname -r), data on $disk_dev ($disk_fs, $disk_kind);
load average (1 min) $load_at_start when the run began.

| Measure | Target | Measured |
| --- | --- | --- |
| Durable entry creates, 64 connections (group commit) | >= 5,000/s, p99 < 25 ms | $(cell create64) |
| Durable entry creates, 1 connection | fsync-bound | $(cell create1); raw fsync rate $fsync_rate/s |
| Portal project dashboard, 32 connections | >= 10,000/s, p99 < 5 ms | $(cell portal) |
| Staff project summary via the API, 8 connections | p99 < 2 ms | $(cell summary) |
| CSV export of all entries, streamed | < 5 s, < 32 MB added memory | $(csv_cell) |
| Start-up to healthy | < 300 ms | median $startup_median ms, slowest $startup_max ms of 5 |
| Resident memory idle / under load | < 20 MB / < 100 MB | $(mib "$idle_rss") MiB / $(mib "$load_peak") MiB peak |
| Database size per million entries | report | $mb_per_million MB ($(mib $((db_bytes / 1024))) MiB for $entries entries; $(mib $((db_after / 1024))) MiB after the run) |
| Seeding | report | $seed_rate entries/s; $entries entries in $seed_total |
EOF
)

echo
echo "$results"
if ((write_doc)); then
  doc=docs/BENCHMARKS.md
  python3 - "$doc" "$results" <<'PY'
import sys
path, results = sys.argv[1], sys.argv[2]
text = open(path).read()
start, end = "<!-- results:start -->", "<!-- results:end -->"
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(f"{head}{start}\n{results}\n{end}{tail}")
PY
  echo "== wrote the results to $doc"
fi
