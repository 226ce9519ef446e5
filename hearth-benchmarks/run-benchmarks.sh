#!/usr/bin/env bash
# Reproduces the full benchmark table of README.md: builds target/benchmarks.jar, runs every JMH
# benchmark in one run (with -prof gc for B/op), measures heap per series for each library in its
# own JVM, and writes target/results.md. About 22 minutes on 2 cores.
#
# Fork, warmup and measurement counts come from the annotations of each benchmark class:
#   1-thread micro-benchmarks  2 forks x (4 x 1 s warmup + 5 x 1 s measurement)
#   2-thread micro-benchmarks  3 forks x (4 x 1 s warmup + 5 x 1 s measurement)
#   exposition (scrapes)       2 forks x (3 x 2 s warmup + 5 x 2 s measurement)
# Extra arguments go to JMH and override them, e.g. a smoke run:
#   hearth-benchmarks/run-benchmarks.sh -f 1 -wi 1 -i 1 -w 1s -r 1s
# Environment: SKIP_BUILD=1 (reuse the jar), SKIP_HEAP=1, SKIP_JMH=1, HEAP_SERIES=N (default 1M),
#   BENCH='regex' (which benchmarks; default the five classes of the regex below).
# Multi-process mode (optional, not in the default run): MULTIPROC=1 also runs
#   MultiProcessBenchmark (mmap storage vs in memory, about 4 minutes, into the same table) and
#   MultiProcessScrape (directory scrape, Hearth vs Python prometheus_client, about 2 minutes,
#   into target/multiproc-scrape.md; PYTHON=path, default /usr/bin/python3, must have
#   prometheus_client installed).
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=hearth-benchmarks/target/benchmarks.jar
OUT=hearth-benchmarks/target
BENCH=${BENCH:-'dev\.hearth\.benchmarks\.(Counter|LabeledCounter|Histogram|Exposition|Cardinality)Benchmark\.'}
if [ "${MULTIPROC:-0}" = 1 ]; then
  BENCH="($BENCH|dev\.hearth\.benchmarks\.MultiProcessBenchmark\.)"
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -DskipTests -pl hearth-benchmarks -am package
fi

echo "== $(date -u +%FT%TZ) $(java -version 2>&1 | head -1), $(nproc) cores"

if [ "${SKIP_JMH:-0}" != 1 ]; then
  java -jar "$JAR" "$BENCH" \
    -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch" \
    -prof gc \
    -rf json -rff "$OUT/jmh-result.json" \
    "$@" | tee "$OUT/jmh-output.txt"
fi

if [ "${MULTIPROC:-0}" = 1 ]; then
  java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp "$JAR" dev.hearth.benchmarks.MultiProcessScrape \
    "${PYTHON:-/usr/bin/python3}" | tee "$OUT/multiproc-scrape.md"
fi

if [ "${SKIP_HEAP:-0}" != 1 ]; then
  : > "$OUT/heap-results.txt"
  for lib in hearth clientJava otel micrometer chm; do
    java -Xms4g -Xmx4g -XX:+UseSerialGC -Dseries="${HEAP_SERIES:-1000000}" \
      -cp "$JAR" dev.hearth.benchmarks.HeapPerSeries "$lib" | tee -a "$OUT/heap-results.txt"
  done
fi

if [ ! -s "$OUT/jmh-result.json" ]; then
  echo "no $OUT/jmh-result.json: no table"
  exit 0
fi
heap_arg=()
if [ -s "$OUT/heap-results.txt" ]; then
  heap_arg=("$OUT/heap-results.txt")
fi
java -cp "$JAR" dev.hearth.benchmarks.ResultsTable "$OUT/jmh-result.json" "${heap_arg[@]}" \
  > "$OUT/results.md"
echo
echo "== $OUT/results.md"
cat "$OUT/results.md"
