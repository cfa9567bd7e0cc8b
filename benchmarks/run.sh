#!/usr/bin/env bash
# Runs the JMH suite: ./benchmarks/run.sh quick   (whole suite, 1 fork, short iterations: < 10 min on 2 cores)
#                     ./benchmarks/run.sh full    (3 forks, longer iterations)
# Extra arguments go to JMH (e.g. a benchmark regex). Results: benchmarks/results/<mode>.json and .txt
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-quick}
shift || true
./mvnw -B -q -pl benchmarks -am package -DskipTests
mkdir -p benchmarks/results
# A fixed, pre-touched heap: first-touch page faults otherwise make allocating code look 5-40x slower.
case "$mode" in
  quick) jvm="-Xms2g -Xmx2g -XX:+AlwaysPreTouch"; opts=(-f 1 -wi 1 -w 1s -i 3 -r 700ms) ;;
  full)  jvm="-Xms6g -Xmx6g -XX:+AlwaysPreTouch"; opts=(-f 3 -wi 3 -w 2s -i 5 -r 2s) ;;
  *) echo "usage: $0 quick|full [JMH args]" >&2; exit 2 ;;
esac
java -jar benchmarks/target/benchmarks.jar "${opts[@]}" -jvmArgs "$jvm" -prof gc \
  -rf json -rff "benchmarks/results/$mode.json" "$@" | tee "benchmarks/results/$mode.txt"
java $jvm -cp benchmarks/target/benchmarks.jar io.tcpclose.bench.Footprint | tee -a "benchmarks/results/$mode.txt"
