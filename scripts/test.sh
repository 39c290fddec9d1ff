#!/usr/bin/env bash
# Sets up, builds, and runs the test suites (CppUnit suites registered with CTest), plainly and,
# when asked, under sanitizers and as fuzz targets, each in its own build folder (docs/testing.md).
#
#   scripts/test.sh [--plain] [--asan] [--tsan] [--fuzz] [--package] [--all] [CTEST_ARGS...]
#
#   --plain  ./build: every suite (the default when no leg is named)
#   --asan   ./build-asan: every suite under AddressSanitizer + UndefinedBehaviorSanitizer (g++, -O1)
#   --tsan   ./build-tsan: the runtime (core_engine), transports (transport_direct,
#            transport_sip), admin, store_conformance and checker_hash suites under
#            ThreadSanitizer (g++, -O1); only their targets are built
#   --fuzz   ./build-fuzz: each libFuzzer target of tests/fuzz for RELAYSYNC_FUZZ_SECONDS
#            (default 45) seconds (Clang; installs clang on first use)
#   --package  ./build-package: the Debian package built and checked (scripts/package.sh), and
#            docs/deploy.md followed literally with it (tests/deploy/follow_guide.py); then
#            ./build-package-brand: a vendor's branded package built and checked (--brand)
#   --all    all five, in that order: what CI runs (.ci/run)
#
# Other arguments go to ctest (e.g. -R profile). Every leg runs even when an earlier one failed;
# the exit code is 1 when any failed. RELAYSYNC_JOBS caps parallel compile jobs (default: nproc).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=${RELAYSYNC_JOBS:-$(nproc)}
fuzz_seconds=${RELAYSYNC_FUZZ_SECONDS:-45}
# Sanitizer builds: debug info and assertions, but -O1 so that the suites do not crawl.
sanitizer_config=(-G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1")

legs=()
ctest_args=()
for arg in "$@"; do
  case $arg in
    --plain | --asan | --tsan | --fuzz | --package) legs+=("${arg#--}") ;;
    --all) legs+=(plain asan tsan fuzz package) ;;
    *) ctest_args+=("$arg") ;;
  esac
done
((${#legs[@]})) || legs=(plain)

run_ctest() {  # folder, ctest arguments...
  local dir=$1
  shift
  (cd "$dir" && ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@" ${ctest_args[@]+"${ctest_args[@]}"})
}

leg_plain() {
  "$top/scripts/build.sh" -j "$jobs"
  run_ctest "$top/build"
}

leg_asan() {
  "$top/scripts/setup.sh"
  cmake -S "$top" -B "$top/build-asan" "${sanitizer_config[@]}" -DRELAYSYNC_SANITIZE=address >/dev/null
  ninja -C "$top/build-asan" -j "$jobs"
  # Any UBSan report aborts (-fno-sanitize-recover); LeakSanitizer runs at exit (its suppressions:
  # libsmbclient's process-wide state, which lives until exit). The daemons the e2e suites start
  # inherit both.
  UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS="suppressions=$top/scripts/lsan.supp" run_ctest "$top/build-asan"
}

leg_tsan() {
  "$top/scripts/setup.sh"
  cmake -S "$top" -B "$top/build-tsan" "${sanitizer_config[@]}" -DRELAYSYNC_SANITIZE=thread >/dev/null
  ninja -C "$top/build-tsan" -j "$jobs" test_core_engine test_transport_direct test_transport_sip test_admin \
    test_store_conformance test_checker_hash
  # A report makes the suite exit 66. The suppressions cover Poco's uninstrumented TCPServer.
  TSAN_OPTIONS="suppressions=$top/scripts/tsan.supp second_deadlock_stack=1" \
    run_ctest "$top/build-tsan" -R '^(core_engine|transport_direct|transport_sip|admin|store_conformance|checker_hash)$'
}

leg_fuzz() {
  "$top/scripts/setup.sh" --fuzz
  local build=$top/build-fuzz
  local out=$build/fuzz
  cmake -S "$top" -B "$build" "${sanitizer_config[@]}" -DCMAKE_CXX_COMPILER=clang++ -DRELAYSYNC_FUZZ=ON \
    -DBUILD_TESTING=OFF >/dev/null
  ninja -C "$build" -j "$jobs" relaysync_fuzz
  rm -rf "$out/seeds"
  "$build/tests/fuzz/fuzz_make_seeds" "$out/seeds" >/dev/null
  mkdir -p "$out/artifacts"
  local failed=0 target seeds
  for target in protocol frame profile sip; do
    # The corpus folder keeps what libFuzzer found, so later runs start from there.
    mkdir -p "$out/corpus/$target"
    seeds=$out/seeds/$target
    [[ $target == profile ]] && seeds=$top/config/four-site
    [[ $target == sip ]] && seeds=$top/tests/fuzz/seeds/sip  # written by hand: no generated ones
    echo "fuzz_$target: ${fuzz_seconds}s (log: $out/$target.log)"
    if "$build/tests/fuzz/fuzz_$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$out/artifacts/$target-" \
        "$out/corpus/$target" "$seeds" "$top/tests/fuzz/seeds/$target" >"$out/$target.log" 2>&1; then
      grep -E '^stat::(number_of_executed_units|new_units_added)' "$out/$target.log" | sed 's/^/  /'
    else
      failed=1
      tail -n 60 "$out/$target.log"
      echo "fuzz_$target FAILED; the input is in $out/artifacts/ (after the fix, add it to tests/fuzz/seeds/$target)"
    fi
  done
  return $failed
}

leg_package() {
  RELAYSYNC_JOBS=$jobs "$top/scripts/package.sh"
  python3 "$top/tests/deploy/follow_guide.py" "$top"/build-package/package/relaysync_*.deb "$top/docs/deploy.md"
  # Mostly ccache hits: only what the brand names is compiled again.
  RELAYSYNC_JOBS=$jobs "$top/scripts/package.sh" --brand
}

failed=()
summary=()
for leg in "${legs[@]}"; do
  echo "=== test.sh: $leg"
  start=$SECONDS
  status=passed
  # In a subshell so that a failing step ends its leg (set -e), not the others. Not inside
  # `||`: bash would ignore set -e there.
  set +e
  (set -e; "leg_$leg")
  rc=$?
  set -e
  ((rc == 0)) || { status=FAILED; failed+=("$leg"); }
  summary+=("$leg: $status in $((SECONDS - start)) s")
done
echo "=== test.sh summary"
printf '  %s\n' "${summary[@]}"
((${#failed[@]} == 0))
