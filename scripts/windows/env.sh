# Source this (bash) to cross-build Sitwell for Windows x86_64 (x86_64-pc-windows-gnu) with the
# toolchain that scripts/windows/toolchain.sh sets up:
#   source scripts/windows/env.sh
#   wincargo check --no-default-features
#   wincargo build --release --no-default-features
#   wincargo test --no-default-features --lib     # test exes run under Wine (wine-run.sh)
# Or without sourcing: scripts/windows/cargo.sh build ...
#
# What it sets: the target's linker, C/C++ compilers and archiver for cc-rs (rusqlite's bundled
# SQLite, mozjpeg-sys; mozjpeg's SIMD needs nasm), and Wine as the target's runner. These
# are target-scoped, so host builds in the same shell are not affected.
#
# wincargo adds, for its own cargo run only:
#   RUSTC_BOOTSTRAP=1                 -Z flags on the stable toolchain
#   __CARGO_TESTS_ONLY_SRC_ROOT       where build-std finds std's source (Debian's rust-src)
#   -Zbuild-std=std,panic_unwind --target x86_64-pc-windows-gnu
#   CARGO_TARGET_DIR                  target/windows in this checkout (unless already set), so
#                                     host dependencies built with RUSTC_BOOTSTRAP=1 never mix
#                                     with those of ordinary builds in target/
# They are deliberately not exported into the shell: RUSTC_BOOTSTRAP=1 changes what some build
# scripts detect (nightly features) and would rebuild or alter ordinary host builds.
# Set SITWELL_CARGO_LOCK=/path/to/lockfile to run each wincargo under `flock` on it.

_sitwell_win_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/../.." && pwd)
export SITWELL_WIN_ROOT=$_sitwell_win_root
export SITWELL_WIN_TARGET=x86_64-pc-windows-gnu
export SITWELL_WIN_TOOLCHAIN=$_sitwell_win_root/target/windows-toolchain
export SITWELL_WIN_ORT_DIR=$_sitwell_win_root/target/ort-windows
unset _sitwell_win_root

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc-posix
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$SITWELL_WIN_ROOT/scripts/windows/wine-run.sh
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc-posix
export CXX_x86_64_pc_windows_gnu=x86_64-w64-mingw32-g++-posix
export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
export RANLIB_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ranlib

# wincargo SUBCOMMAND [ARGS...]: cargo for Windows x86_64 with std built from source.
wincargo() {
  local src=$SITWELL_WIN_TOOLCHAIN/rust-src/library stamp=$SITWELL_WIN_TOOLCHAIN/rust-src.version
  if [ ! -f "$src/std/Cargo.toml" ] || [ ! -f "$stamp" ]; then
    echo "wincargo: no rust-src; run scripts/windows/toolchain.sh" >&2
    return 1
  fi
  # std's source must be exactly the compiler's version.
  local want have
  want=$(cut -d' ' -f2 "$stamp")
  have=$(rustc -vV | sed -n 's/^commit-hash: //p')
  if [ "$want" != "$have" ]; then
    echo "wincargo: rust-src is for commit $want but rustc is $have;" \
         "run scripts/windows/toolchain.sh again" >&2
    return 1
  fi
  if [ $# -eq 0 ]; then
    echo "usage: wincargo SUBCOMMAND [ARGS...]" >&2
    return 2
  fi
  local sub=$1
  shift
  local target_dir=${CARGO_TARGET_DIR:-}
  if [ -z "$target_dir" ]; then
    case "$PWD/" in "$SITWELL_WIN_ROOT"/*) target_dir=$SITWELL_WIN_ROOT/target/windows ;; esac
  fi
  local lock=()
  [ -n "${SITWELL_CARGO_LOCK:-}" ] && lock=(flock "$SITWELL_CARGO_LOCK")
  env RUSTC_BOOTSTRAP=1 __CARGO_TESTS_ONLY_SRC_ROOT="$src" \
      ${target_dir:+CARGO_TARGET_DIR="$target_dir"} \
      "${lock[@]}" cargo -Zbuild-std=std,panic_unwind "$sub" --target "$SITWELL_WIN_TARGET" "$@"
}
