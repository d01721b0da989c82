#!/usr/bin/env bash
# Each party's own peak memory in a real deployment on this machine: the gateway, B and C as `seco node` processes and
# the user as `seco user`, over loopback with mutual TLS (docs/cluster.md), one query checked bit-exact against the
# plaintext reference. A node is its own process, so its peak resident memory (VmHWM, logged at the run's end) is that
# party's own — what the simulator, with every party in one process, cannot say (issue 20).
#
#   scripts/party-memory.sh [--model models/resnet32.onnx] [--split 2] [--forms planner]
#                           [--server-limit 3.5GiB] [--user-limit 1.5GiB] [--out out/party-memory]
#
# At l = L (DELPHI: the model's block count) only A and the user run. A limit of "none" leaves that process's heap to the runtime's default. Uses the ports of config/local (25500,
# 25520-25522, 25620-25622): stop a local deployment first. Builds the CLI (Release) if needed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
model=models/resnet32.onnx split=2 forms=planner server_limit=3.5GiB user_limit=1.5GiB out=out/party-memory
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --split) split=$2; shift 2 ;;
    --forms) forms=$2; shift 2 ;;
    --server-limit) server_limit=$2; shift 2 ;;
    --user-limit) user_limit=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "error: unknown option '$1' (see the header of $0)" >&2; exit 1 ;;
  esac
done
case "$model" in /*) ;; *) model="$root/$model" ;; esac
[ -f "$model" ] || { echo "error: model file not found: $model" >&2; exit 1; }

cli="$root/src/Seco.Cli/bin/Release/net10.0/Seco.Cli.dll"
[ -f "$cli" ] || dotnet build "$root/src/Seco.Cli" -c Release -nologo -v quiet
seco() { dotnet "$cli" "$@"; }

work="$out/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$work/config/local"
work=$(cd "$work" && pwd)
ln -s "$root/models" "$work/models"
seco certs --out "$work/deploy/certs" --servers A,B,C --users user > "$work/certs.log"
seco split --model "$model" --split "$split" --forms "$forms" --out "$work/deploy/model" > "$work/split.log"

# The shipped local deployment's files, with this model, one query and the memory limits.
for f in A B C user; do
  cp "$root/config/local/$f.yaml" "$work/config/local/$f.yaml"
done
sed -i "s#^reference_model: .*#reference_model: $model#; s#^queries: .*#queries: 1#; s#^query_deadline: .*#query_deadline: 30m#" "$work/config/local/user.yaml"
if [ "$server_limit" != none ]; then
  for f in A B C; do echo "memory_limit: $server_limit" >> "$work/config/local/$f.yaml"; done
fi
if [ "$user_limit" != none ]; then echo "memory_limit: $user_limit" >> "$work/config/local/user.yaml"; fi

# At l = L (DELPHI between the user and A) the split deals no remote share: A runs alone, its file listing no server.
servers=(A B C)
if [ ! -f "$work/deploy/model/t1s0.party" ]; then
  servers=(A)
  sed -i '/^  [BC]: { role: t1s/d' "$work/config/local/A.yaml"
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2> /dev/null || true; done; }
trap cleanup EXIT
cd "$work"
for f in "${servers[@]}"; do
  dotnet "$cli" node --config "config/local/$f.yaml" > "$f.log" 2>&1 &
  pids+=($!)
done
ready() { for f in "${servers[@]}"; do grep -q "ready:" "$f.log" || return 1; done; }
for _ in $(seq 1 60); do
  if ready; then break; fi
  sleep 2
done
ready || { echo "error: the servers did not form a cluster in 120 s; see $work/{A,B,C}.log" >&2; exit 2; }

status=0
dotnet "$cli" user --config config/local/user.yaml --out "$work/user" > user.log 2>&1 || status=$?
cleanup
wait 2> /dev/null || true
trap - EXIT

peak() { grep -ho "peak resident memory of this process [0-9]* MiB" "$1" | tail -n1 | grep -o "[0-9]* MiB" || echo "(not logged)"; }
echo "model $(basename "$model"), split $split, forms $forms; limits: servers $server_limit, user $user_limit"
echo "party   peak resident (VmHWM)"
for f in "${servers[@]}"; do printf '%-7s %s\n' "$f" "$(peak "$f.log")"; done
printf '%-7s %s\n' user "$(grep -ho 'peak memory [0-9.]* [MG]B' user.log | sed 's/peak memory //' || echo '(not logged)')"
grep -h "queries finished" user.log || true
echo "logs and report: $work"
exit $status
