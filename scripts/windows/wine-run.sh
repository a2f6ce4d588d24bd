#!/usr/bin/env bash
# Run a Windows exe under Wine (Debian 12's wine64 8.0), headless, for tests on the Linux host.
# cargo uses it as the runner of the x86_64-pc-windows-gnu target (env.sh), so `wincargo test`
# and `wincargo run` work. The Wine prefix is $WINEPREFIX, or target/windows-toolchain/wine;
# it is made on first use (no Mono/Gecko installers, no dialogs) with the test-only stub
# bcryptprimitives.dll in system32. onnxruntime.dll (target/ort-windows) is put on the DLL
# search path. Without DISPLAY, a GUI run needs `xvfb-run -a`.
#   wine-run.sh PROGRAM.exe [ARGS...]
#   wine-run.sh --init-only [PREFIX]     make the prefix and stop
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TC=$ROOT/target/windows-toolchain
WINE64=$(command -v wine64 || echo /usr/lib/wine/wine64)
WINESERVER=$(command -v wineserver || echo /usr/lib/wine/wineserver)

init_only=0
if [ "${1:-}" = "--init-only" ]; then
  init_only=1
  [ -n "${2:-}" ] && export WINEPREFIX=$2
fi
export WINEPREFIX=${WINEPREFIX:-$TC/wine}
export WINEARCH=win64
export WINEDEBUG=${WINEDEBUG:--all}

if [ ! -f "$WINEPREFIX/system.reg" ]; then
  mkdir -p "$WINEPREFIX"
  # mscoree/mshtml disabled: no Mono or Gecko installer prompt while the prefix is made.
  WINEDLLOVERRIDES="mscoree,mshtml=" "$WINE64" wineboot --init >/dev/null 2>&1 || true
  "$WINESERVER" --wait || true
  [ -f "$WINEPREFIX/system.reg" ] || { echo "wine-run.sh: could not make $WINEPREFIX" >&2; exit 1; }
fi
sys32=$WINEPREFIX/drive_c/windows/system32
if [ -f "$TC/bcryptprimitives.dll" ] && ! cmp -s "$TC/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll"; then
  cp "$TC/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll"
fi
[ "$init_only" = 1 ] && exit 0

# onnxruntime.dll: on the search path, and ORT_DYLIB_PATH for ort's load-dynamic.
if [ -f "$ROOT/target/ort-windows/onnxruntime.dll" ]; then
  ort_win=$("$WINE64" winepath -w "$ROOT/target/ort-windows" 2>/dev/null | tr -d '\r')
  export WINEPATH="${ort_win}${WINEPATH:+;$WINEPATH}"
  export ORT_DYLIB_PATH=${ORT_DYLIB_PATH:-$ort_win\\onnxruntime.dll}
fi
exec "$WINE64" "$@"
