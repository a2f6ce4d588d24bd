# Helpers for driving the real Sitwell window as a person does, sourced by the scripts that
# tests/desktop.rs runs inside ../shared/tools/screen/desk.sh (Xvfb + openbox + a session bus).
# Every action is logged to $LOG so a failing test shows what was seen and done.
# Needs: SCREEN_TOOLS (the folder with ocr.py), OUT (a folder for screenshots), LOG.

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
# ($OUT/NAME-panel.png, what OCR reads: the panel without the rest of the desktop).
shot() {
  local x y w h
  read -r x y w h < <(geometry)
  import -window root "$OUT/$1.png"
  convert "$OUT/$1.png" -crop "${w}x${h}+${x}+${y}" +repage "$OUT/$1-panel.png"
  echo "shot $1: window at $x,$y ${w}x$h at $(date +%T.%N | cut -c1-12); reads: $(python3 "$SCREEN_TOOLS/ocr.py" "$OUT/$1-panel.png")" >> "$LOG"
}

# find NAME WORD: the screen position of WORD on the overlay in shot NAME.
find_word() {
  local x y w h px py
  read -r x y w h < <(geometry)
  read -r px py < <(python3 "$SCREEN_TOOLS/ocr.py" "$OUT/$1-panel.png" --find "$2") || {
    echo "not on screen: $2" >> "$LOG"; return 1; }
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
