#!/usr/bin/env bash
# Runs a whole cluster deployment as separate processes in four network namespaces (root only):
# servers A, B, C and the user, each `seco node` / `seco user` in its own namespace, joined through a
# bridge by veth pairs whose egress is limited with `tc tbf` (this kernel has no netem: bandwidth
# only, no added latency). Certificates, party files and node files are made fresh in a work folder.
# Bounded in time; everything it creates is removed on exit (trap), whatever happens.
#
#   sudo scripts/netns-cluster.sh [--rate 100mbit] [--queries 3] [--model models/minionn.onnx]
#                                 [--split 1] [--timeout 900] [--keep-logs DIR]
#
# Exit code: the user's (0: every query bit-exact), or 1 if the cluster did not form in time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

rate=100mbit queries=3 model=models/minionn.onnx split=1 limit=900 keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate=$2; shift 2 ;;
    --queries) queries=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    --split) split=$2; shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
    --keep-logs) keep=$2; shift 2 ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "netns-cluster.sh needs root (network namespaces, tc)" >&2; exit 2; }
for tool in ip tc dotnet; do command -v $tool >/dev/null || { echo "$tool not found" >&2; exit 2; }; done

tag=seco$$                       # namespaces and links are named after this run
work=$(mktemp -d /tmp/seco-netns.XXXXXX)
pids=()
cleanup() {
  set +e
  # A .NET process running Akka can outlive SIGTERM by ~10 s: kill -9 every process in each namespace
  # (`ip netns exec` and `timeout` fork, so the PIDs we started are not the only ones), then the namespaces.
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  for ns in a b c u sw; do
    ip netns pids "$tag-$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$tag-$ns" 2>/dev/null
  done
  if [ -n "$keep" ]; then mkdir -p "$keep" && cp "$work"/*.log "$keep"/ 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== build"
dotnet build src/Seco.Cli -c Release -nologo -clp:NoSummary -v q >/dev/null
seco=(dotnet "$root/src/Seco.Cli/bin/Release/net10.0/Seco.Cli.dll")

echo "== network: 4 namespaces on a bridge, egress $rate each (tbf)"
declare -A addr=([a]=10.77.0.10 [b]=10.77.0.11 [c]=10.77.0.12 [u]=10.77.0.13)
ip netns add "$tag-sw"
ip -n "$tag-sw" link add br0 type bridge
ip -n "$tag-sw" link set br0 up
for n in a b c u; do
  ip netns add "$tag-$n"
  ip link add "v$n$$" type veth peer name "p$n$$"
  ip link set "v$n$$" netns "$tag-$n"
  ip link set "p$n$$" netns "$tag-sw"
  ip -n "$tag-sw" link set "p$n$$" master br0 up
  ip -n "$tag-$n" link set "v$n$$" name eth0
  ip -n "$tag-$n" addr add "${addr[$n]}/24" dev eth0
  ip -n "$tag-$n" link set eth0 up
  ip -n "$tag-$n" link set lo up
  tc -n "$tag-$n" qdisc add dev eth0 root tbf rate "$rate" burst 64kb latency 400ms
done

echo "== certificates and party files ($model, split $split)"
"${seco[@]}" certs --out "$work/certs" --servers A,B,C --users user \
  --hosts "A=${addr[a]},B=${addr[b]},C=${addr[c]}" >/dev/null
"${seco[@]}" split --model "$model" --split "$split" --out "$work/model" >/dev/null
servers="servers:
  A: { role: gateway, host: ${addr[a]}, port: 25520, certificate: certs/A.crt }
  B: { role: t1s0,    host: ${addr[b]}, port: 25520, certificate: certs/B.crt }
  C: { role: t1s1,    host: ${addr[c]}, port: 25520, certificate: certs/C.crt }"
for n in A B C; do
  role=$( [ $n = A ] && echo gateway || { [ $n = B ] && echo t1s0 || echo t1s1; } )   # also the party file's name
  {
    echo "node: $n"; echo "deployment: netns"; echo "$servers"
    echo "tls: { ca: certs/ca.crt, certificate: certs/$n.pfx }"
    echo "model: model/$role.party"
    [ $n = A ] && echo "door: { host: ${addr[a]}, port: 25500, user_ca: certs/user-ca.crt, users: { user: { certificate: certs/user.crt } } }"
  } > "$work/$n.yaml"
done
cat > "$work/user.yaml" <<YAML
user: user
door: { host: ${addr[a]}, port: 25500, certificate: certs/A.crt }
tls: { ca: certs/ca.crt, certificate: certs/user.pfx }
model: model/user.party
reference_model: $root/$model
images: $root/models/fashion-mnist-test-1000-images-idx3-ubyte
queries: $queries
YAML

echo "== servers"
for n in a b c; do
  N=${n^^}
  ip netns exec "$tag-$n" timeout "$limit" "${seco[@]}" node --config "$work/$N.yaml" > "$work/$N.log" 2>&1 &
  pids+=($!)
  disown $!   # the cleanup kills it; no "Killed" line from the shell
done
deadline=$((SECONDS + 120))
for N in A B C; do
  until grep -q "ready: every server" "$work/$N.log"; do
    if [ $SECONDS -gt $deadline ]; then echo "the cluster did not form within 120 s; logs:" >&2; tail -n 20 "$work"/*.log >&2; exit 1; fi
    sleep 1
  done
done
grep -h "ready\|joined" "$work"/[ABC].log

echo "== user ($queries queries through A's door at ${addr[a]}:25500)"
set +e
ip netns exec "$tag-u" timeout "$limit" "${seco[@]}" user --config "$work/user.yaml" --out "$work/out" | tee "$work/user.log"
status=${PIPESTATUS[0]}
set -e
echo "== user exit code $status"
exit "$status"
