#!/usr/bin/env bash
# Checks a built package and archive as a user would meet them (scripts/package runs it):
# contents, lintian, desktop-file-validate, appstreamcli; then, as root, installs the .deb,
# runs it from an empty folder with a clean environment (analyze a photo; the demo under Xvfb
# logs a nudge), removes it and checks nothing is left; and the same from the unpacked archive.
#   bash scripts/check-package.sh target/debian/sitwell_*.deb target/dist/sitwell-*.tar.gz
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "$1")
archive=$(realpath "$2")
photo=$(realpath tests/fixtures/real/face_recognition__obama_portrait.jpg)
fail() { echo "check-package: $*" >&2; exit 1; }
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

echo "== contents"
listing=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/sitwell ./usr/lib/sitwell/libonnxruntime.so \
         ./usr/share/sitwell/models/pose_detection.onnx ./usr/share/sitwell/models/pose_landmark_lite.onnx \
         ./usr/share/sitwell/models/pose_landmark_full.onnx ./usr/share/sitwell/models/face_landmark.onnx \
         ./usr/share/sitwell/assets/demo/seated_slouch_demo/frame_0300.jpg \
         ./usr/share/applications/io.github.sitwell.Sitwell.desktop \
         ./usr/share/metainfo/io.github.sitwell.Sitwell.metainfo.xml \
         ./usr/share/icons/hicolor/scalable/apps/io.github.sitwell.Sitwell.svg \
         ./usr/share/icons/hicolor/16x16/apps/io.github.sitwell.Sitwell.png \
         ./usr/share/icons/hicolor/512x512/apps/io.github.sitwell.Sitwell.png \
         ./usr/share/doc/sitwell/copyright ./usr/share/doc/sitwell/models/NOTICE \
         ./usr/share/man/man1/sitwell.1.gz ./usr/share/bash-completion/completions/sitwell \
         ./usr/share/zsh/vendor-completions/_sitwell ./usr/share/fish/vendor_completions.d/sitwell.fish; do
  grep -qx "$f" <<<"$listing" || fail "$f is not in the package"
done
dpkg-deb -f "$deb" Depends | tee /dev/stderr | grep -q "libc6" || fail "Depends was not computed"

echo "== lintian"
lintian --fail-on error "$deb"

tmp=$(mktemp -d)
installed=0
# On any exit, a failed step's too: the package this script installed is removed again (so a
# later build from source never meets it), and its scratch folder goes.
cleanup() {
  if [ "$installed" = 1 ] && dpkg-query -W -f='${Status}' sitwell 2>/dev/null | grep -q "install ok installed"; then
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq sitwell >/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
dpkg-deb -x "$deb" "$tmp/unpacked"
echo "== desktop-file-validate, appstreamcli"
desktop-file-validate "$tmp/unpacked/usr/share/applications/io.github.sitwell.Sitwell.desktop"
appstreamcli validate --no-net "$tmp/unpacked/usr/share/metainfo/io.github.sitwell.Sitwell.metainfo.xml"
echo "== no path of this checkout in the binary"
hits=$(grep -c "$PWD" "$tmp/unpacked/usr/bin/sitwell" || true)
[ "$hits" = 0 ] || fail "the binary names $PWD $hits times"

# Runs an installed sitwell ($1) from an empty folder with a clean environment.
try_installed() {
  local sitwell=$1 where=$2 home="$tmp/home-$2" run="$tmp/run-$2"
  mkdir -p "$home" "$run"
  cp "$photo" "$run/photo.jpg"
  (cd "$run" && env -i HOME="$home" PATH=/usr/bin:/bin "$sitwell" analyze photo.jpg > keypoints.jsonl) \
    || fail "$where: analyze failed"
  grep -q '"keypoints":\[\[' "$run/keypoints.jsonl" || fail "$where: no keypoints printed"
  (cd "$run" && env -i HOME="$home" PATH=/usr/bin:/bin xvfb-run -a "$sitwell" --demo --exit-after 50 --events ev.jsonl) \
    || fail "$where: the demo failed"
  grep -q '"kind":"nudge"' "$run/ev.jsonl" || fail "$where: the demo logged no nudge"
  echo "$where: analyze printed keypoints, the demo logged a nudge"
}

if [ "${SITWELL_PACKAGE_INSTALL:-1}" = 1 ]; then
  echo "== install the package, run it, remove it"
  installed=1
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
  files=$(dpkg -L sitwell | sort)
  try_installed /usr/bin/sitwell package
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq sitwell >/dev/null
  installed=0
  left=""
  while read -r f; do
    [ -f "$f" ] && left="$left $f"
  done <<<"$files"
  [ -z "$left" ] || fail "left behind after removal:$left"
  [ ! -e /usr/lib/sitwell ] && [ ! -e /usr/share/sitwell ] || fail "folders left behind"
  echo "package: removed, nothing left behind"
fi

echo "== the portable archive, unpacked in a temporary folder"
mkdir -p "$tmp/portable"
tar -C "$tmp/portable" -xzf "$archive"
try_installed "$(ls -d "$tmp"/portable/sitwell-*/bin/sitwell)" archive
echo "check-package: all good"
