#!/usr/bin/env bash
# Builds the native anchors (emp-tool, emp-ot, SEAL at the commits in ../shared/anchors.md) and our timing programs
# into a scratch folder OUTSIDE the repository (never commit the anchors or their builds), for side-by-side runs:
#   bash bench/anchors/build.sh /tmp/anchors          # needs git, cmake, g++, libssl-dev, libgmp-dev and network
#   ANCHOR_SOURCES=/path/with/emp-tool,emp-ot,SEAL bash bench/anchors/build.sh /tmp/anchors   # offline: sources already there
# Then (docs/benchmarks.md, "Side by side on one machine"), each program pinned to one core:
#   (cd /tmp/anchors/emp-tool && taskset -c 1 ../progs/garble_bench 11)   # half-gates, AES-128 Bristol (M AND/s)
#   taskset -c 1 /tmp/anchors/progs/seal_bench 100    # SEAL BFV ops at n = 8192/4096, BSGS mat-vec (median us of R calls)
#   taskset -c 1 /tmp/anchors/progs/ot_bench 12345 11 # emp-ot IKNP chosen/COT/RCOT, both parties as threads on port 12345
#   /tmp/anchors/emp-ot/build/bench_ot_extension 1 12345 & /tmp/anchors/emp-ot/build/bench_ot_extension 2 12345   # emp's own
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
cmake --build emp-ot/build -j"$(nproc)" --target emp-ot bench_ot_extension bench_iknp_rcot >/dev/null
cmake -S SEAL -B SEAL/build -DCMAKE_BUILD_TYPE=Release -DSEAL_BUILD_DEPS=OFF -DSEAL_USE_MSGSL=OFF -DSEAL_USE_ZLIB=OFF \
  -DSEAL_USE_ZSTD=OFF -DSEAL_USE_INTEL_HEXL=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build SEAL/build -j"$(nproc)" >/dev/null && cmake --install SEAL/build >/dev/null
mkdir -p progs
g++ -O3 -march=native -std=c++17 -w -I"$prefix/include" "$repo/bench/anchors/garble_bench.cpp" -o progs/garble_bench \
  -L"$prefix/lib" -lemp-tool -lssl -lcrypto -lgmp
# emp-ot is not installed: ot_bench takes its headers from the source tree and its library from the build tree.
g++ -O3 -march=native -std=c++17 -w -I"$prefix/include" -I"$out/emp-ot" "$repo/bench/anchors/ot_bench.cpp" -o progs/ot_bench \
  -L"$prefix/lib" "$out/emp-ot/build/libemp-ot.a" -lemp-tool -lssl -lcrypto -lgmp -pthread
g++ -O3 -march=native -std=c++17 -w -I"$prefix/include" -I"$prefix/include/SEAL-4.4" "$repo/bench/anchors/seal_bench.cpp" \
  -o progs/seal_bench -L"$prefix/lib" -lseal-4.4
# garble_bench opens emp-tool's Bristol file by a relative path: run it from the emp-tool folder.
echo "built in $out: progs/garble_bench (run from $out/emp-tool), progs/seal_bench, progs/ot_bench," \
  "emp-ot/build/bench_ot_extension, SEAL in $prefix"
