#!/usr/bin/env bash
# Drive the real editor in a real terminal (tmux): type, read the ghost text with capture-pane,
# Tab, autocorrect, Backspace revert, save, quit; then SIGKILL it while typing and check that
# reopening offers the text typed up to 5 s before the kill; then type a line with typos one word
# at a time and as one burst (the whole line at once) and check both save the same corrections.
# Then a learned sign-off shows as one phrase ghost, Tab inserts it, and Ctrl+G (phrases off)
# is remembered by the next session. Checks the files on disk.
# Uses the bundled model if there is one, else trains a tiny one (~30 s). Exit 0 = all passed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NEXTWORD="$ROOT/.venv/bin/nextword"
command -v tmux >/dev/null || { echo "tmux_smoke: tmux is not installed" >&2; exit 1; }

T="$(mktemp -d "${TMPDIR:-/tmp}/nextword-smoke.XXXXXX")"
S="nextword-smoke-$$"
export HOME="$T/home" NEXTWORD_DATA_DIR="$T/data" OMP_NUM_THREADS=1
mkdir -p "$HOME"
cleanup() { tmux kill-session -t "$S" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "tmux_smoke: FAIL: $*" >&2; echo "--- screen ---" >&2; screen >&2 || true; exit 1; }
ok() { echo "tmux_smoke: ok: $*"; }

screen() { tmux capture-pane -p -t "$S"; }
first_line() { screen | head -n 1 | sed 's/^ //; s/[[:space:]]*$//'; }  # the editor pads 1 column
wait_for() {  # wait_for TEXT [SECONDS]: until the screen contains TEXT
    local deadline=$((SECONDS + ${2:-30}))
    until screen 2>/dev/null | grep -qF -- "$1"; do
        [ $SECONDS -lt $deadline ] || fail "timed out waiting for '$1'"
        sleep 0.2
    done
}
settle() { sleep "${1:-1.5}"; }  # let the workers (suggestions, corrections) finish
eventually() {  # eventually SECONDS COMMAND...: retry COMMAND until it succeeds (a loaded machine is slow)
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.3
    done
}
line_extends() { case "$(first_line)" in "$1"?*) return 0 ;; *) return 1 ;; esac; }
line_has() { first_line | grep -qF -- "$1"; }

if [ -f "$ROOT/nextword/default_model/config.json" ]; then
    MODEL="$ROOT/nextword/default_model"
else
    echo "tmux_smoke: no bundled model, training a tiny one ..."
    mkdir -p "$T/corpus"
    { head -n 330 "$ROOT/corpus/fortunes.txt"; head -n 200 "$ROOT/corpus/debian-handbook.txt"; } > "$T/corpus/slice.txt"
    "$NEXTWORD" train "$T/corpus" --out "$T/model" --base none --epochs 2 --vocab-size 2000 --dim 32 \
        --hidden-size 64 --batch-size 16 --char-minutes 0.05 --no-progress >/dev/null
    MODEL="$T/model"
fi

DOC="$T/doc.txt"
launch() {  # launch "COMMAND PREFIX": the editor on $DOC in a fresh tmux session
    tmux new-session -d -s "$S" -x 100 -y 20 "$1 '$NEXTWORD' '$DOC' --model '$MODEL'"
    wait_for " words | " 60
}

# -- 1. type, ghost, Tab, autocorrect, Backspace, save, quit ---------------------------------
launch "cd '$T' && "
TYPED="I'll meet you at the"
tmux send-keys -t "$S" C-r  # autocorrect off while typing this (a tiny model may "fix" meet)
wait_for "autocorrect off" 5
tmux send-keys -t "$S" -l "$TYPED"
eventually 20 line_extends "$TYPED" || true
settle 1
LINE="$(first_line)"
case "$LINE" in "$TYPED"?*) ;; *) fail "no ghost text after '$TYPED' (line: '$LINE')" ;; esac
GHOST="${LINE#"$TYPED"}"
[ "${GHOST:0:1}" = " " ] || fail "the ghost after a complete word should be the next word: '$GHOST'"
tmux capture-pane -p -e -t "$S" | head -n 1 | grep -qE $'\e\\[([0-9;]*;)?3(;[0-9;]*)?m' ||
    fail "the ghost text is not drawn in italics (no SGR 3 on the first line)"
ok "ghost text '$GHOST' after '$TYPED'"

tmux send-keys -t "$S" Tab
TEXT="$TYPED$GHOST"
eventually 10 line_has "$TEXT" || fail "Tab did not accept the ghost"
ok "Tab accepted it"

tmux send-keys -t "$S" C-r
wait_for "autocorrect on" 5
tmux send-keys -t "$S" -l " teh "
eventually 20 line_has "$TEXT the " || fail "'teh ' was not autocorrected to 'the '"
wait_for "teh -> the" 10
ok "autocorrect: teh -> the"
tmux send-keys -t "$S" BSpace
eventually 10 line_has "$TEXT teh " || fail "Backspace did not bring back 'teh'"
settle 1
ok "Backspace reverted it"
TEXT="$TEXT teh "

tmux send-keys -t "$S" C-s
wait_for "Saved doc.txt" 10
[ "$(cat "$DOC")" = "$TEXT" ] || fail "file on disk is '$(cat "$DOC")', expected '$TEXT'"
ls "$T" | grep -q '\.tmp$' && fail "a temp file was left beside the document"
ok "Ctrl+S wrote the file"

tmux send-keys -t "$S" C-q
for _ in $(seq 50); do tmux has-session -t "$S" 2>/dev/null || break; sleep 0.2; done
tmux has-session -t "$S" 2>/dev/null && fail "Ctrl+Q did not quit"
ok "Ctrl+Q quit"
[ "$(stat -c %a "$NEXTWORD_DATA_DIR/personal.sqlite3")" = 600 ] || fail "personal.sqlite3 is not mode 600"
ok "personal store is mode 600"

# -- 2. SIGKILL while typing, reopen, recover -------------------------------------------------
launch "exec"
PID="$(tmux display -p -t "$S" '#{pane_pid}')"
tmux send-keys -t "$S" C-r End  # autocorrect off: the words below are checked verbatim
wait_for "autocorrect off" 5
tmux send-keys -t "$S" -l "alpha"
sleep 1
tmux send-keys -t "$S" -l " bravo"
TYPED_AT=$SECONDS
sleep 5
kill -9 "$PID"
for _ in $(seq 50); do tmux has-session -t "$S" 2>/dev/null || break; sleep 0.2; done
tmux kill-session -t "$S" 2>/dev/null || true
[ "$(cat "$DOC")" = "$TEXT" ] || fail "the killed app changed the saved file"
REC="$(ls "$NEXTWORD_DATA_DIR"/recovery/*.json 2>/dev/null | head -n 1)"
[ -n "$REC" ] || fail "no recovery file after SIGKILL"
[ "$(stat -c %a "$REC")" = 600 ] || fail "the recovery file is not mode 600"
ok "SIGKILL $((SECONDS - TYPED_AT)) s after typing 'bravo' left a private recovery file"

launch "exec"
wait_for "Recover" 20
tmux send-keys -t "$S" Enter
eventually 10 line_has "${TEXT}alpha bravo" || fail "the recovered text lacks what was typed 5 s before the kill"
ok "reopening offered the text typed 5 s before the kill"
tmux send-keys -t "$S" C-s
wait_for "Saved doc.txt" 10
tmux send-keys -t "$S" C-q
for _ in $(seq 50); do tmux has-session -t "$S" 2>/dev/null || break; sleep 0.2; done
[ "$(cat "$DOC")" = "${TEXT}alpha bravo" ] || fail "after recovering and saving the file is '$(cat "$DOC")'"
[ -z "$(ls "$NEXTWORD_DATA_DIR"/recovery/ 2>/dev/null)" ] || fail "the recovery file was not removed after saving"
ok "recovered text saved; recovery file removed"

# -- 3. a burst of typing loses no correction -------------------------------------------------
BURST="We coud meet at the resturant on Fridy becuase I realy want to se you agian."
quit_saved() {  # quit_saved NAME: Ctrl+S (the file is NAME), Ctrl+Q, wait for the session to end
    tmux send-keys -t "$S" C-s
    wait_for "Saved $1" 10
    tmux send-keys -t "$S" C-q
    for _ in $(seq 50); do tmux has-session -t "$S" 2>/dev/null || break; sleep 0.2; done
    tmux has-session -t "$S" 2>/dev/null && fail "Ctrl+Q did not quit"
    return 0
}
corrected() { screen | grep -oE '[0-9]+ corrected' | head -n 1 | cut -d' ' -f1 || true; }
corrections_settled() {  # until the count of corrections holds for 3 s (the workers are done)
    local last=-1 n
    for _ in $(seq 20); do
        n="$(corrected)"
        [ "$n" = "$last" ] && return 0
        last="$n"
        sleep 3
    done
}

DOC="$T/slow.txt"  # one word at a time, each correction landing before the next word
launch "NEXTWORD_DATA_DIR='$T/data-slow' exec"
read -ra WORDS <<< "$BURST"
for i in "${!WORDS[@]}"; do
    if [ "$i" -lt $((${#WORDS[@]} - 1)) ]; then tmux send-keys -t "$S" -l "${WORDS[$i]} "
    else tmux send-keys -t "$S" -l "${WORDS[$i]}"; fi
    sleep 0.6
done
corrections_settled
N="$(corrected)"
[ "${N:-0}" -ge 5 ] || fail "typed slowly, only ${N:-0} of the typos in '$BURST' were corrected"
quit_saved slow.txt
SLOW="$(cat "$DOC")"
ok "typed slowly: $N corrected: '$SLOW'"

DOC="$T/burst.txt"  # the whole line at once: corrections land while later words are typed
launch "NEXTWORD_DATA_DIR='$T/data-burst' exec"
tmux send-keys -t "$S" -l "$BURST"
wait_for "| $N corrected |" 30
settle
[ "$(corrected)" = "$N" ] || fail "the burst got $(corrected) corrections, slow typing $N"
quit_saved burst.txt
[ "$(cat "$DOC")" = "$SLOW" ] || fail "the burst saved '$(cat "$DOC")', slow typing '$SLOW'"
ok "typed as one burst: the same $N corrections saved"

# -- 4. phrase completion: a learned sign-off is one ghost, Tab takes it; the toggle sticks ----
DOC="$T/phrase.txt"
PDATA="$T/data-phrase"
SIGN_OFF="Let me know if you have any questions"
for _ in $(seq 150); do echo "Thanks for the update on the release. $SIGN_OFF."; done > "$T/letters.txt"
NEXTWORD_DATA_DIR="$PDATA" "$NEXTWORD" learn "$T/letters.txt" --model "$MODEL" >/dev/null
launch "NEXTWORD_DATA_DIR='$PDATA' exec"
wait_for "suggest phrases" 5
tmux send-keys -t "$S" C-r  # autocorrect off: the words are checked verbatim
wait_for "autocorrect off" 5
tmux send-keys -t "$S" -l "Let me know"
eventually 20 line_has "$SIGN_OFF" || fail "no phrase ghost after 'Let me know'"
ok "phrase ghost after 'Let me know': '$(first_line)'"
tmux send-keys -t "$S" Tab
eventually 10 line_has "$SIGN_OFF" || fail "Tab did not accept the phrase"
settle 1
tmux send-keys -t "$S" C-g
wait_for "suggest words" 5
quit_saved phrase.txt
case "$(cat "$DOC")" in "$SIGN_OFF"*) ;; *) fail "the saved file is '$(cat "$DOC")', expected '$SIGN_OFF...'" ;; esac
ok "Tab inserted the whole phrase; saved '$(cat "$DOC")'"
[ "$(stat -c %a "$PDATA/settings.json")" = 600 ] || fail "settings.json is not mode 600"
grep -q '"phrases": false' "$PDATA/settings.json" || fail "Ctrl+G (phrases off) was not saved"
launch "NEXTWORD_DATA_DIR='$PDATA' exec"
wait_for "suggest words" 10
tmux send-keys -t "$S" C-q
for _ in $(seq 50); do tmux has-session -t "$S" 2>/dev/null || break; sleep 0.2; done
ok "Ctrl+G turned phrases off, and the next session remembered it"
echo "tmux_smoke: all passed"
