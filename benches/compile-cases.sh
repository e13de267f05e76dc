#!/usr/bin/env bash
# benches/compile-cases.sh [N_ONE_FN] [N_MARKERS]
#
# Compile and run cost of parametrized cases, printed as ratios so that a change which makes
# one case cost more (or makes a case's cost grow with its neighbours) shows up. Not run by CI.
#
#   one-fn   N_ONE_FN (10000) cases in ONE testrig function, beside N_ONE_FN hand-written
#            `#[test]`s calling one body: build time, run time, binary size (and its sections).
#            A case must cost the same whatever the number of cases beside it.
#   markers  N_MARKERS (1000) cases over functions of 10 cases that take a fixture first and
#            their case values after it, marked `#[case]`: testrig against rstest.
#
# Everything is built under $BENCH_WORK (default /tmp/bench-work-cases), one target dir per
# project, with CARGO_INCREMENTAL=0 so each timed build is a full rustc run of the test crate.
# Knobs: BENCH_REPS (3), BENCH_JOBS (2), BENCH_WORK. Needs cargo and python3; the rstest
# project needs crates.io on its first run.
set -euo pipefail
export LC_ALL=C CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_WORK:-/tmp/bench-work-cases}
REPS=${BENCH_REPS:-3}
JOBS=${BENCH_JOBS:-2}
N1=${1:-10000}
N2=${2:-1000}
case "$(realpath -m "$WORK")" in
  "$ROOT" | "$ROOT"/*) echo "BENCH_WORK must be outside the checkout" >&2; exit 1 ;;
esac
mkdir -p "$WORK"

gen() { # gen KIND N DIR
  python3 - "$@" "$ROOT" <<'PY'
import os, sys
kind, n, d, root = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
dep = {
    "rstest": 'rstest = "=0.28.0"',
}.get(kind.split("-")[-1], f'testrig = {{ path = "{root}" }}')
if kind == "one-plain":
    dep = ""
cargo = f"""[package]
name = "bench-{kind}"
version = "0.0.0"
edition = "2024"
publish = false

[dev-dependencies]
{dep}

[workspace]
"""
out = []
if kind == "one-testrig":
    out.append("fn body(i: u32) -> u32 { std::hint::black_box(i) + 1 }\n")
    out.append("#[testrig::test]")
    out += [f'#[case({i}, id = "c{i}")]' for i in range(n)]
    out.append("fn one(i: u32) { assert!(body(i) > i); }\n")
elif kind == "one-plain":
    out.append("fn body(i: u32) -> u32 { std::hint::black_box(i) + 1 }")
    out.append("fn one(i: u32) { assert!(body(i) > i); }\nmod one_cases {")
    out += [f"#[test] fn c{i}() {{ super::one({i}); }}" for i in range(n)]
    out.append("}")
else:  # markers-testrig / markers-rstest
    rs = kind.endswith("rstest")
    out.append("use rstest::*;" if rs else "use testrig::prelude::*;")
    out.append("#[fixture]\nfn base() -> u64 {\n    7\n}\n")
    attr = "#[rstest]" if rs else "#[testrig::test]"
    for f in range((n + 9) // 10):
        out.append(attr)
        for c in range(min(10, n - f * 10)):
            v = f * 10 + c
            out.append(f'#[case::n{c}("v{v}", {v}, {str(v % 7 == 0).lower()})]')
        out.append(
            f"fn t{f}(base: u64, #[case] name: &str, #[case] len: usize, #[case] flag: bool) {{\n"
            f"    assert!(base == 7 && !name.is_empty() && (len as u64 + base) > 0 || flag);\n}}\n"
        )
os.makedirs(f"{d}/tests", exist_ok=True)
for path, text in ((f"{d}/Cargo.toml", cargo), (f"{d}/tests/cases.rs", "\n".join(out) + "\n")):
    try:
        if open(path).read() == text:
            continue
    except FileNotFoundError:
        pass
    open(path, "w").write(text)
os.makedirs(f"{d}/src", exist_ok=True)
open(f"{d}/src/lib.rs", "a").close()
PY
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

declare -A BUILD RUN SIZE BIN B R
prepare() { # prepare KIND N: generate, build once, check the listing
  local kind=$1 n=$2 dir=$WORK/$1 tgt=$WORK/target-$1
  gen "$kind" "$n" "$dir"
  (cd "$dir" && CARGO_TARGET_DIR=$tgt cargo build --tests -q -j "$JOBS" 2>&1 | tail -20)
  BIN[$kind]=$(cd "$dir" && CARGO_TARGET_DIR=$tgt cargo test --no-run -q --message-format=json 2>/dev/null |
    python3 -c 'import sys,json
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m.get("executable") and m["target"]["name"]=="cases": print(m["executable"])')
  [[ -n ${BIN[$kind]} ]] || { echo "$kind did not build" >&2; exit 1; }
  local listed
  listed=$("${BIN[$kind]}" --list 2>/dev/null | grep -c ': test$')
  [[ $listed == "$n" ]] || { echo "$kind lists $listed tests, expected $n" >&2; exit 1; }
  B[$kind]="" R[$kind]=""
}
sample() { # sample KIND: one timed rebuild after a touch, one timed run
  local kind=$1 dir=$WORK/$1 tgt=$WORK/target-$1 t0 t1
  touch "$dir/tests/cases.rs"
  t0=$(now)
  (cd "$dir" && CARGO_TARGET_DIR=$tgt cargo build --tests -q -j "$JOBS")
  t1=$(now)
  B[$kind]+="$(echo "$t1 - $t0" | bc) "
  t0=$(now)
  "${BIN[$kind]}" -q >/dev/null 2>&1 || { echo "$kind: a test failed" >&2; exit 1; }
  t1=$(now)
  R[$kind]+="$(echo "$t1 - $t0" | bc) "
}
# Frameworks are timed round-robin, so that load from elsewhere hits each alike.
bench() { # bench N KIND...
  local n=$1 kind
  shift
  for kind in "$@"; do prepare "$kind" "$n"; done
  for _ in $(seq "$REPS"); do
    for kind in "$@"; do sample "$kind"; done
  done
  for kind in "$@"; do
    BUILD[$kind]=$(printf '%s\n' ${B[$kind]} | median)
    RUN[$kind]=$(printf '%s\n' ${R[$kind]} | median)
    SIZE[$kind]=$(stat -c %s "${BIN[$kind]}")
    printf '%-18s %6d tests  build %7.3fs  run %7.3fs  binary %6.1f MB   (builds: %s)\n' "$kind" "$n" \
      "${BUILD[$kind]}" "${RUN[$kind]}" "$(echo "${SIZE[$kind]} / 1048576" | bc -l)" "${B[$kind]}"
  done
}
ratio() { echo "scale=2; $1 / $2" | bc -l | sed 's/^\./0./'; }
# The binary by section (binutils' `size`), so a constant overhead shows where it lives:
# code (.text), constants (.rodata), or debug info, which the linker takes whole from every
# codegen unit of a dependency that the tests reach.
sections() { # sections KIND...
  command -v size >/dev/null 2>&1 || { echo "   (no binutils 'size': no section figures)"; return; }
  local kind
  for kind in "$@"; do
    size -A "${BIN[$kind]}" | awk -v k="$kind" '
      $1 ~ /^\./ { mb = $2 / 1048576; total += mb
        if ($1 == ".text" || $1 == ".rodata" || $1 == ".debug_info" || $1 == ".debug_str" || $1 == ".debug_line") s[$1] = mb
        else if ($1 ~ /^\.debug_/) debug += mb; else rest += mb }
      END { printf "   %-18s MB: .text %.2f  .rodata %.2f  .debug_info %.2f  .debug_str %.2f  .debug_line %.2f  other .debug_* %.2f  rest %.2f  (sections %.2f)\n",
        k, s[".text"], s[".rodata"], s[".debug_info"], s[".debug_str"], s[".debug_line"], debug, rest, total }'
  done
}

bench "$N1" one-plain one-testrig
sections one-plain one-testrig
echo "load avg: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "SUMMARY cases-one-fn N=$N1 testrig/plain: build=$(ratio "${BUILD[one-testrig]}" "${BUILD[one-plain]}")x (<=1.15) run=$(ratio "${RUN[one-testrig]}" "${RUN[one-plain]}")x (<=1.1) binary=$(ratio "${SIZE[one-testrig]}" "${SIZE[one-plain]}")x (<=1.5)"

bench "$N2" markers-rstest markers-testrig
sections markers-rstest markers-testrig
echo "load avg: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "SUMMARY cases-markers N=$N2 testrig/rstest: build=$(ratio "${BUILD[markers-testrig]}" "${BUILD[markers-rstest]}")x run=$(ratio "${RUN[markers-testrig]}" "${RUN[markers-rstest]}")x binary=$(ratio "${SIZE[markers-testrig]}" "${SIZE[markers-rstest]}")x"
