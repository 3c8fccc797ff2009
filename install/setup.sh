#!/usr/bin/env bash
# Sets up koder-spec-audit on Debian 12: installs the build dependencies with apt, builds,
# then installs the tool, runs the demo, or runs every test.
#
#   install/setup.sh             dependencies, build, install into --prefix
#   install/setup.sh --demo      the above, then the demo on examples/monorepo
#   install/setup.sh --test      dependencies (with test tools), the formatting check
#                                (clang-format-14), build with -Werror, all tests,
#                                then the same tests again under AddressSanitizer + UBSan,
#                                then a clang build of the fuzz targets, each fuzzed for a while
#   install/setup.sh --fuzz      dependencies, then only that last stage (e.g. for a long run)
#   install/setup.sh --package   dependencies, build, then the Debian package
#                                koder-spec-audit_<version>_<arch>.deb in the build folder (CPack;
#                                Depends from dpkg-shlibdeps): the tool, its man page, the hooks
#                                in /usr/share/koder-spec-audit/hooks/, forgejo-hook.sh, the docs
#
# Environment: KSA_FUZZ_SECONDS (default 45) is how long --test fuzzes each target; 0 skips
# the fuzzing (the corpora still run as tests in both builds above). docs/SECURITY.md has more.
#
# Options: --prefix DIR (default /usr/local as root, else ~/.local), --build-dir DIR
# (default build/), --no-deps (skip apt).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=install
prefix=""
build_dir="$root/build"
install_deps=1

while [ $# -gt 0 ]; do
    case "$1" in
        --demo) mode=demo ;;
        --test) mode=test ;;
        --fuzz) mode=fuzz ;;
        --package) mode=package ;;
        --prefix) prefix=$2; shift ;;
        --prefix=*) prefix=${1#--prefix=} ;;
        --build-dir) build_dir=$2; shift ;;
        --build-dir=*) build_dir=${1#--build-dir=} ;;
        --no-deps) install_deps=0 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

if [ -z "$prefix" ]; then
    if [ "$(id -u)" -eq 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
fi

step() { printf '\n==> %s\n' "$*"; }

# Build dependencies, all from Debian 12's archive.
packages=(git cmake g++ ninja-build pkg-config libgit2-dev zlib1g-dev libcurl4-openssl-dev libtomlplusplus-dev libcli11-dev
          libfmt-dev catch2)
# Tests also drive the real pre-commit framework and check JSON and YAML with python3; the formatting is
# checked with clang-format-14 (the .clang-format of the repository).
[ "$mode" = test ] && packages+=(pre-commit python3 python3-yaml clang-format-14)
# ...and check the JSON Schema with taplo (@taplo/cli, from the npm registry: not in Debian).
# Debian's nodejs and npm, unless a node with npm is already there (NodeSource's nodejs
# carries npm and conflicts with Debian's npm package).
[ "$mode" = test ] && ! command -v npm >/dev/null && packages+=(nodejs npm)
taplo_version=0.7.0
# The Debian package: dpkg-shlibdeps (dpkg-dev) computes Depends, CPack finds the binaries with
# file; the tests also build it and render its man page (man-db).
[ "$mode" = test ] || [ "$mode" = package ] && packages+=(dpkg-dev file)
[ "$mode" = test ] && packages+=(man-db)
# ...and fuzz with libFuzzer, which comes with clang (its runtime is a separate package).
[ "$mode" = test ] || [ "$mode" = fuzz ] && packages+=(clang-14 libclang-rt-14-dev)

install_packages() {
    local missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        echo "all ${#packages[@]} packages already installed"
        return
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
        sudo=sudo
    fi
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Every C++ file of src/ and tests/unit must be formatted as .clang-format says (LLVM base, 4
# spaces, 120 columns); run `clang-format-14 -i` on the files it names.
format_check() {
    local files=()
    mapfile -t files < <(cd "$root" && find src tests/unit -name '*.cpp' -o -name '*.h' | sort)
    (cd "$root" && clang-format-14 --dry-run --Werror "${files[@]}")
    echo "${#files[@]} files formatted as .clang-format says"
}

# The fuzz targets built with clang-14 and libFuzzer in $build_dir-fuzz: their corpora run
# once, then each target is fuzzed for KSA_FUZZ_SECONDS; any crash, leak, sanitizer report
# or timeout fails the run and leaves the input in $build_dir-fuzz/artifacts/.
fuzz_stage() {
    local seconds=${KSA_FUZZ_SECONDS:-45}
    case "$seconds" in ''|*[!0-9]*) echo "setup.sh: KSA_FUZZ_SECONDS must be a whole number of seconds" >&2; exit 2 ;; esac
    local fuzz_dir="$build_dir-fuzz"
    step "Building the fuzz targets with clang-14 and libFuzzer in $fuzz_dir"
    cmake -S "$root" -B "$fuzz_dir" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++-14 -DKSA_FUZZ=ON \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKSA_WERROR=OFF >/dev/null
    cmake --build "$fuzz_dir" --target ksa_fuzz --parallel "$(nproc)"
    step "Running every fuzz corpus once (libFuzzer)"
    (cd "$fuzz_dir" && ctest --output-on-failure -R '^fuzz\.')
    [ "$seconds" -gt 0 ] || { echo "KSA_FUZZ_SECONDS=0: no fuzzing"; return; }
    local summary=() target
    for target in fuzz_manifest fuzz_ref_update fuzz_registry fuzz_git_objects fuzz_pack fuzz_index; do
        step "Fuzzing $target for $seconds s"
        local seeds="$root/tests/fuzz/corpus/$target" corpus="$fuzz_dir/corpus/$target" log="$fuzz_dir/$target.log"
        local dict=()
        [ -f "$root/tests/fuzz/$target.dict" ] && dict=(-dict="$root/tests/fuzz/$target.dict")
        mkdir -p "$corpus" "$fuzz_dir/artifacts"
        # New inputs go to the first folder (build-fuzz/corpus/); the checked-in seeds are only read.
        if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
            "$fuzz_dir/tests/fuzz/$target" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$fuzz_dir/artifacts/$target-" "$corpus" "$seeds" >"$log" 2>&1; then
            tail -n 60 "$log"
            echo "setup.sh: $target found a problem; the input is in $fuzz_dir/artifacts/ (add it to $seeds and fix)" >&2
            exit 1
        fi
        local runs rate
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        summary+=("$(printf '%-16s %4s s  %10s runs  %7s exec/s  corpus: %s seeds + %s new  no crash' "$target" \
            "$seconds" "$runs" "$rate" "$(find "$seeds" -type f | wc -l)" "$(find "$corpus" -type f | wc -l)")")
    done
    step "Fuzzing summary (also in $fuzz_dir/fuzz-summary.txt)"
    printf '%s\n' "${summary[@]}" | tee "$fuzz_dir/fuzz-summary.txt"
}

# taplo for tests/integration/test_schema.sh, installed globally with npm (a fixed version).
install_taplo() {
    if command -v taplo >/dev/null && npm ls -g --depth=0 "@taplo/cli@$taplo_version" >/dev/null 2>&1; then
        echo "@taplo/cli $taplo_version already installed"
        return
    fi
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo npm install -g --no-fund --no-audit "@taplo/cli@$taplo_version"
}

if [ "$install_deps" -eq 1 ]; then
    step "Installing build dependencies (apt)"
    install_packages
    if [ "$mode" = test ]; then
        step "Installing taplo (npm)"
        install_taplo
    fi
fi

werror=OFF
[ "$mode" = test ] && werror=ON

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ "$mode" = fuzz ]; then
    fuzz_stage
    exit 0
fi

if [ "$mode" = test ]; then
    step "Checking the formatting (clang-format-14 --dry-run --Werror over src/ and tests/unit)"
    format_check
fi

step "Configuring and building in $build_dir"
if [ -f "$build_dir/CMakeCache.txt" ] && ! grep -q "CMAKE_GENERATOR:INTERNAL=${generator[1]:-Unix Makefiles}" "$build_dir/CMakeCache.txt"; then
    rm -rf "$build_dir"  # a cache made by another generator cannot be reused
fi
cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKSA_WERROR="$werror" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"

case "$mode" in
    test)
        step "Running every test"
        (cd "$build_dir" && ctest --output-on-failure --parallel "$(nproc)")
        # The same suite under the sanitizers: any report fails the run (UBSan is fatal,
        # LeakSanitizer makes the process exit non-zero).
        sanitize_dir="$build_dir-sanitize"
        step "Building with AddressSanitizer + UndefinedBehaviorSanitizer in $sanitize_dir"
        # Warnings are enforced by the build above; with the sanitizers GCC 12 reports false
        # maybe-uninitialized warnings inside libstdc++'s <regex> (pulled in by Catch2).
        cmake -S "$root" -B "$sanitize_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug -DKSA_SANITIZE=ON \
            -DKSA_WERROR=OFF >/dev/null
        cmake --build "$sanitize_dir" --parallel "$(nproc)"
        step "Running every test under the sanitizers"
        (cd "$sanitize_dir" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
            UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --output-on-failure --parallel "$(nproc)")
        fuzz_stage
        ;;
    package)
        step "Building the Debian package (cpack -G DEB) in $build_dir"
        (cd "$build_dir" && cpack -G DEB >/dev/null)
        deb=$(ls -t "$build_dir"/koder-spec-audit_*.deb | head -n 1)
        dpkg-deb --info "$deb" | sed -n 's/^ \(Package\|Version\|Architecture\|Depends\):/  \1:/p'
        echo "built $deb (install: apt-get install ./$(basename -- "$deb"), from $build_dir)"
        ;;
    install|demo)
        step "Installing into $prefix"
        cmake --install "$build_dir" --prefix "$prefix" >/dev/null
        echo "installed $prefix/bin/koder-spec-audit and $prefix/share/koder-spec-audit/hooks/pre-commit"
        case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: add $prefix/bin to PATH to run it by name" ;; esac
        if [ "$mode" = demo ]; then
            step "Demo on examples/monorepo"
            KODER_SPEC_AUDIT="$prefix/bin/koder-spec-audit" "$root/examples/demo.sh"
        fi
        ;;
esac
