# Helpers for driving the real Sitwell window as a person does, sourced by the scripts that
# tests/desktop.rs runs inside tests/desktop/desk.sh (Xvfb + openbox + a session bus).
# Every action is logged to $LOG so a failing test shows what was seen and done.
# Needs: DESKTOP_TESTS (this folder, with ocr.py), OUT (a folder for screenshots), LOG.

# wid: the overlay's window id (waits up to 20 s for it to appear).
wid() {
  local w
  for _ in $(seq 200); do
    w=$(xdotool search --name '^Sitwell$' 2>/dev/null | head -1)
    [ -n "$w" ] && { echo "$w"; return 0; }
    sleep 0.1
  done
  echo "no Sitwell window" >> "$LOG"; return 1
}

# geometry: X Y WIDTH HEIGHT of the overlay window on the screen.
geometry() {
  local X Y WIDTH HEIGHT WINDOW SCREEN
  eval "$(xdotool getwindowgeometry --shell "$(wid)")"
  echo "$X $Y $WIDTH $HEIGHT"
}

# shot NAME: a screenshot of the whole screen ($OUT/NAME.png) and of the overlay alone
# ($OUT/NAME-panel.png, what OCR reads: the panel without the rest of the desktop). What OCR
# read is kept in $OUT/NAME.words (word, x, y per line) for find_word, and logged.
shot() {
  local x y w h
  read -r x y w h < <(geometry)
  import -window root "$OUT/$1.png"
  convert "$OUT/$1.png" -crop "${w}x${h}+${x}+${y}" +repage "$OUT/$1-panel.png"
  python3 "$DESKTOP_TESTS/ocr.py" "$OUT/$1-panel.png" --boxes > "$OUT/$1.words"
  echo "$x $y" > "$OUT/$1.origin"
  echo "shot $1: window at $x,$y ${w}x$h at $(date +%T.%N | cut -c1-12); reads: $(cut -f1 "$OUT/$1.words" | tr '\n' ' ')" >> "$LOG"
}

# find_word NAME WORD: the screen position of WORD on the overlay in shot NAME (as read when
# the shot was taken, where the window was then).
find_word() {
  local x y px py
  read -r x y < "$OUT/$1.origin"
  read -r px py < <(awk -F'\t' -v want="$(echo "$2" | tr '[:upper:]' '[:lower:]')" '
    { w = tolower($1); sub(/[.,:;!?…]+$/, "", w) }
    w == want { printf "%.0f %.0f\n", $2, $3; found = 1; exit }
    END { exit !found }' "$OUT/$1.words") || { echo "not on screen: $2" >> "$LOG"; return 1; }
  echo "$((x + px)) $((y + py))"
}

# click NAME WORD: a real mouse click on WORD as seen in shot NAME.
click() {
  local pos
  pos=$(find_word "$1" "$2") || return 1
  echo "click $2 at $pos ($(date +%T.%N | cut -c1-12))" >> "$LOG"
  # shellcheck disable=SC2086
  xdotool mousemove $pos sleep 0.2 click 1
}

# click_and_wait NAME WORD: click WORD, then wait (up to 10 s) until the window's size changes,
# as it does when a menu opens or a card, panel or view replaces another.
click_and_wait() {
  local before
  before=$(geometry)
  click "$1" "$2" || return 1
  for _ in $(seq 100); do
    [ "$(geometry)" != "$before" ] && { sleep 0.3; return 0; }
    sleep 0.1
  done
  echo "the window did not change after clicking $2" >> "$LOG"
}
