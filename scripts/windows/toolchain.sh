#!/usr/bin/env bash
# The Windows (x86_64-pc-windows-gnu) cross toolchain for Sitwell on Debian 12, from package
# registries only (Debian and PyPI). Idempotent: each step checks and skips what is done.
#
#   1. Debian packages: the MinGW-w64 C compiler and linker (posix threads), Wine 8.0 (64-bit),
#      nasm (mozjpeg's SIMD), nsis and msitools (installers), Xvfb (Wine GUI runs headless).
#   2. Debian's rust-src for exactly the installed rustc (trixie-backports), unpacked into
#      target/windows-toolchain/rust-src. std is built from this source with cargo's
#      -Zbuild-std (see env.sh): rustup's prebuilt Windows std comes from outside the package
#      registries, which this project's machines and CI are not promised to reach.
#   3. A stub bcryptprimitives.dll for running Rust exes under Wine 8.0 (test host only, never
#      shipped; see bcryptprimitives-stub.c), into target/windows-toolchain/.
#   4. ONNX Runtime for Windows (onnxruntime.dll) from the PyPI wheel, checked by sha256, into
#      target/ort-windows/.
#   5. Only with --wine-prefix DIR: a fresh 64-bit Wine prefix there, with the stub installed.
#
# Options:
#   --wine-prefix DIR   also make a Wine prefix at DIR (scripts/windows/wine-run.sh makes its own
#                       default one when first used, so this is optional)
#   --rustup-target     also try `rustup target add x86_64-pc-windows-gnu` (a toolchain download
#                       from outside the package registries: off by default, and not needed)
# Then: `source scripts/windows/env.sh` and `wincargo build` (see env.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

TARGET=x86_64-pc-windows-gnu
MINGW=x86_64-w64-mingw32
TC=$ROOT/target/windows-toolchain
ORT_DIR=$ROOT/target/ort-windows
# Debian mirror for rust-src (the system's own sources are not touched).
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
RUST_SRC_SUITE=${RUST_SRC_SUITE:-trixie-backports}
# ONNX Runtime 1.31.1, the same version as scripts/fetch-ort.sh (Linux). Any CPython tag of the
# win_amd64 wheel holds the same DLL; cp311 is pinned.
ORT_VERSION=1.31.1
ORT_WHEEL=onnxruntime-$ORT_VERSION-cp311-cp311-win_amd64.whl
ORT_WHEEL_SHA256=c3d91b5de31e2fc82d71bd65b2b22bddee8b49057a3a36338e9a868e0ea90c05
ORT_DLL_SHA256=8482d2ee174e28504f99730fb01d6861575870283de4ed3a897ad39170d9a9b9
ORT_PROVIDERS_SHA256=f0c7a181e46390233f248c5d479f0f55e02280f1ec305c93552d1f58344a0e8f

wine_prefix=""
try_rustup=0
while [ $# -gt 0 ]; do
  case "$1" in
    --wine-prefix) wine_prefix=${2:?--wine-prefix needs a folder}; shift 2 ;;
    --rustup-target) try_rustup=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "toolchain.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
t_all=$SECONDS
step_start=0
step() { step_start=$SECONDS; echo "== $*"; }
done_step() { echo "   done in $((SECONDS - step_start)) s${1:+ ($1)}"; }

mkdir -p "$TC" "$ORT_DIR"

# --- 1. Debian packages -----------------------------------------------------------------------
step "Debian packages"
packages=(gcc-mingw-w64-x86-64-posix g++-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64
          wine64 nasm nsis msitools xvfb xauth python3 ca-certificates zip unzip ffmpeg)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "   installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  done_step "installed ${#missing[@]}"
else
  done_step "all present"
fi
command -v "$MINGW-gcc-posix" >/dev/null || { echo "$MINGW-gcc-posix missing" >&2; exit 1; }
# Debian 12's wine64 installs the loader as /usr/lib/wine/wine64 (the `wine` wrapper package is
# not needed for 64-bit exes).
WINE64=$(command -v wine64 || echo /usr/lib/wine/wine64)
[ -x "$WINE64" ] || { echo "wine64 not found" >&2; exit 1; }

# --- 2. rust-src for the installed rustc ------------------------------------------------------
step "rust-src for $(rustc --version)"
rust_ver=$(rustc --version | sed -n 's/^rustc \([0-9][0-9.]*\)[ -].*/\1/p')
rust_commit=$(rustc -vV | sed -n 's/^commit-hash: //p')
stamp=$TC/rust-src.version
if [ -f "$stamp" ] && [ -d "$TC/rust-src/library/std" ] && grep -q "^$rust_ver+" "$stamp"; then
  done_step "have $(cat "$stamp")"
else
  # A private APT configuration (its own sources, lists and cache under target/) to download one
  # package from $RUST_SRC_SUITE without adding that suite to the system. Signatures are checked
  # against Debian's archive keyring (debian-archive-keyring has the trixie keys).
  apt_dir=$TC/apt
  rm -rf "$apt_dir"
  mkdir -p "$apt_dir"/{etc/sources.list.d,etc/preferences.d,state/lists/partial,cache/archives/partial,debs}
  cat > "$apt_dir/etc/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR $RUST_SRC_SUITE main
EOF
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
            -o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
            -o "Dir::Etc::Preferences=$apt_dir/etc/preferences"
            -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
            -o "Dir::State=$apt_dir/state" -o "Dir::State::status=/var/lib/dpkg/status"
            -o "Dir::Cache=$apt_dir/cache" -o "Debug::NoLocking=1"
            -o "APT::Sandbox::User=root" -o "Acquire::Languages=none"
            -o "APT::Get::List-Cleanup=0")
  apt-get "${apt_opts[@]}" update -qq
  # Debian's version for rustc X.Y.Z is X.Y.Z+dfsg<n>-<rev>; take the newest such revision.
  deb_ver=$(apt-cache "${apt_opts[@]}" madison rust-src | awk -F'|' '{gsub(/ /,"",$2); print $2}' \
            | grep "^$rust_ver+" | sort -V | tail -n1 || true)
  if [ -z "$deb_ver" ]; then
    echo "no rust-src $rust_ver in $RUST_SRC_SUITE; it has:" >&2
    apt-cache "${apt_opts[@]}" madison rust-src >&2
    exit 1
  fi
  echo "   rust-src $deb_ver"
  (cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download -qq "rust-src=$deb_ver")
  deb=$(ls "$apt_dir"/debs/rust-src_*.deb)
  unpack=$TC/rust-src.unpack
  rm -rf "$unpack" "$TC/rust-src"
  dpkg-deb -x "$deb" "$unpack"
  # usr/lib/rustlib/src/rust is a relative link to usr/src/rustc-X.Y.Z: take what it points to.
  src_dir=$(readlink -f "$unpack/usr/lib/rustlib/src/rust")
  case "$src_dir" in "$unpack"/*) ;; *) echo "unexpected rust-src layout: $src_dir" >&2; exit 1 ;; esac
  mv "$src_dir" "$TC/rust-src"
  # build-std needs only library/ (its own workspace and Cargo.lock): drop the compiler's 360 MB.
  rm -rf "$TC/rust-src/compiler" "$TC/rust-src/src"
  rm -rf "$unpack" "$apt_dir"
  [ -f "$TC/rust-src/library/std/Cargo.toml" ] && [ -f "$TC/rust-src/library/Cargo.lock" ] \
    || { echo "rust-src $deb_ver has no library/ workspace" >&2; exit 1; }
  echo "$deb_ver $rust_commit" > "$stamp"
  done_step "$(du -sh "$TC/rust-src" | cut -f1)"
fi

if [ "$try_rustup" = 1 ]; then
  step "rustup target $TARGET"
  if timeout 120 rustup target add "$TARGET"; then done_step "installed"; else done_step "not available"; fi
fi

# --- 3. stub bcryptprimitives.dll (Wine test host only) ---------------------------------------
step "stub bcryptprimitives.dll (Wine 8.0 test host only)"
stub_src=$ROOT/scripts/windows/bcryptprimitives-stub.c
stub=$TC/bcryptprimitives.dll
if [ -f "$stub" ] && [ "$stub" -nt "$stub_src" ]; then
  done_step "up to date"
else
  "$MINGW-gcc-posix" -O2 -shared -static-libgcc -s -o "$stub" "$stub_src" -lbcrypt
  done_step
fi

# --- 4. ONNX Runtime for Windows --------------------------------------------------------------
step "ONNX Runtime $ORT_VERSION for Windows"
if echo "$ORT_DLL_SHA256  $ORT_DIR/onnxruntime.dll" | sha256sum --check --status 2>/dev/null &&
   echo "$ORT_PROVIDERS_SHA256  $ORT_DIR/onnxruntime_providers_shared.dll" | sha256sum --check --status 2>/dev/null; then
  done_step "present"
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 - "$ORT_WHEEL_SHA256" "$tmp/$ORT_WHEEL" "${PIP_INDEX_URL:-https://pypi.org/simple}" <<'PY'
import re, sys, urllib.request
sha, out, index = sys.argv[1:]
base = f"{index.rstrip('/')}/onnxruntime/"
page = urllib.request.urlopen(base, timeout=120).read().decode()
links = [l for l in re.findall(r'href="([^"]+)"', page) if sha in l]
if not links:
    sys.exit(f"no onnxruntime wheel with sha256 {sha} in {index}")
with urllib.request.urlopen(urllib.request.urljoin(base, links[0].split("#")[0]), timeout=600) as r, \
        open(out, "wb") as f:
    while chunk := r.read(1 << 20):
        f.write(chunk)
PY
  echo "$ORT_WHEEL_SHA256  $tmp/$ORT_WHEEL" | sha256sum --check --quiet
  python3 - "$tmp/$ORT_WHEEL" "$ORT_DIR" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for src, name in [("onnxruntime/capi/onnxruntime.dll", "onnxruntime.dll"),
                      ("onnxruntime/capi/onnxruntime_providers_shared.dll", "onnxruntime_providers_shared.dll"),
                      ("onnxruntime/LICENSE", "LICENSE"),
                      ("onnxruntime/ThirdPartyNotices.txt", "ThirdPartyNotices.txt")]:
        with open(f"{dest}/{name}", "wb") as out:
            out.write(z.read(src))
PY
  echo "$ORT_DLL_SHA256  $ORT_DIR/onnxruntime.dll" | sha256sum --check --quiet
  echo "$ORT_PROVIDERS_SHA256  $ORT_DIR/onnxruntime_providers_shared.dll" | sha256sum --check --quiet
  done_step "$ORT_DIR"
fi

# --- 5. a Wine prefix, only when asked --------------------------------------------------------
if [ -n "$wine_prefix" ]; then
  step "Wine prefix $wine_prefix"
  "$ROOT/scripts/windows/wine-run.sh" --init-only "$wine_prefix"
  done_step
fi

echo "== toolchain ready in $((SECONDS - t_all)) s: source scripts/windows/env.sh, then wincargo build"
