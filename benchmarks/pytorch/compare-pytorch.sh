#!/usr/bin/env bash
# Engine speed against PyTorch, measured in the SAME run on this machine (issue #6):
# interleaves PyTorch and StreamGrad per workload -- `java -jar streamgrad.jar bench` exactly as users run
# it (no JVM flag; the jar starts the Vector API kernels itself) and the portable kernels
# (-Dstreamgrad.kernels=portable) -- best of ROUNDS each, and prints a table of examples/s and ratios.
#   needs: ./mvnw -q -DskipTests package
#          apt-get install python3-torch libopenblas0-pthread   (PyTorch 1.13 from Debian; without
#          OpenBLAS Debian's torch uses the reference BLAS and is several times slower)
#   usage: benchmarks/pytorch/compare-pytorch.sh [SECONDS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-4}
rounds=${2:-2}
jar=jobs/target/streamgrad.jar
py=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1   # one thread, like the engine
bench_py=benchmarks/pytorch/pytorch_baseline.py
best() { python3 -c 'import sys,json; print(max(json.loads(l)["examplesPerSecond"] for l in sys.stdin if l.startswith("{")))'; }
printf '%-10s %12s %14s %8s %14s %8s\n' workload pytorch 'java -jar' ratio portable ratio
for w in "W1 1" "W1 32" "W2 64" "W3 128"; do
  set -- $w
  t=""; v=""; p=""
  for _ in $(seq "$rounds"); do
    t+=$($py $bench_py --workload "$1" --batch "$2" --seconds "$seconds")$'\n'
    v+=$(java -jar $jar bench --workload "$1" --batch "$2" --seconds "$seconds" 2>/dev/null)$'\n'
    p+=$(java -Dstreamgrad.kernels=portable -jar $jar bench --workload "$1" --batch "$2" --seconds "$seconds" 2>/dev/null)$'\n'
  done
  tb=$(printf '%s' "$t" | best); vb=$(printf '%s' "$v" | best); pb=$(printf '%s' "$p" | best)
  python3 - "$1 b=$2" "$tb" "$vb" "$pb" <<'PY'
import sys
name, t, v, p = sys.argv[1], *map(float, sys.argv[2:])
print("%-10s %12.0f %14.0f %7.2fx %14.0f %7.2fx" % (name, t, v, v / t, p, p / t))
PY
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
