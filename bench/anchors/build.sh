#!/usr/bin/env bash
# Builds the native anchors (emp-tool, emp-ot, SEAL at the commits in ../shared/anchors.md) and our timing programs
# into a scratch folder OUTSIDE the repository (never commit the anchors or their builds), for side-by-side runs:
#   bash bench/anchors/build.sh /tmp/anchors          # needs git, cmake, g++, libssl-dev, libgmp-dev and network
#   ANCHOR_SOURCES=/path/with/emp-tool,emp-ot,SEAL bash bench/anchors/build.sh /tmp/anchors   # offline: sources already there
# Then (docs/benchmarks.md, "Side by side on one machine"): taskset -c 1 /tmp/anchors/progs/garble_bench 11
set -euo pipefail
out=${1:?usage: build.sh <scratch folder outside the repository>}
repo=$(cd "$(dirname "$0")/../.." && pwd)
case "$(cd "$(dirname "$out")" && pwd)/$(basename "$out")" in "$repo"/*) echo "build.sh: $out is inside the repository; use a scratch folder" >&2; exit 2;; esac
mkdir -p "$out" && cd "$out" && out=$(pwd)
fetch() { # name url commit
  if [ -n "${ANCHOR_SOURCES:-}" ]; then [ -d "$1" ] || { cp -r "$ANCHOR_SOURCES/$1" "$1" && rm -rf "$1/build"; }; return; fi
  [ -d "$1/.git" ] || git clone -q "$2" "$1"
  git -C "$1" checkout -q "$3"
}
fetch emp-tool https://github.com/emp-toolkit/emp-tool 1eef34652bd3ea08807e1b10468bf8a4048a665f
fetch emp-ot https://github.com/emp-toolkit/emp-ot 07a6c79274ead0578ead11ce856b15b1d87b8170
fetch SEAL https://github.com/microsoft/SEAL 356f2e6dcc0520dc9fc14e98674d9a56cba6018c
prefix=$out/prefix
cmake -S emp-tool -B emp-tool/build -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build emp-tool/build -j"$(nproc)" >/dev/null && cmake --install emp-tool/build >/dev/null
cmake -S emp-ot -B emp-ot/build -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
# One test program of emp-ot does not compile against this emp-tool (trace_hash); the benches do.
cmake --build emp-ot/build -j"$(nproc)" --target bench_ot_extension bench_iknp_rcot >/dev/null
cmake -S SEAL -B SEAL/build -DCMAKE_BUILD_TYPE=Release -DSEAL_BUILD_DEPS=OFF -DSEAL_USE_MSGSL=OFF -DSEAL_USE_ZLIB=OFF \
  -DSEAL_USE_ZSTD=OFF -DSEAL_USE_INTEL_HEXL=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build SEAL/build -j"$(nproc)" >/dev/null && cmake --install SEAL/build >/dev/null
mkdir -p progs
g++ -O3 -march=native -std=c++17 -w -I"$prefix/include" "$repo/bench/anchors/garble_bench.cpp" -o progs/garble_bench \
  -L"$prefix/lib" -lemp-tool -lssl -lcrypto -lgmp
# garble_bench opens emp-tool's Bristol file by a relative path: run it from the emp-tool folder.
echo "built in $out: progs/garble_bench (run from $out/emp-tool), emp-ot/build/bench_ot_extension, SEAL in $prefix"
