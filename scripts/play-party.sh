#!/usr/bin/env bash
# Plays one whole party from a shell, as a CI job would: a host and a
# friend, each a headless player with their own data directory, and two
# simulated players started with `party-tui bots` that join by the code.
# Every command prints JSON lines; jq picks out the fields, so this
# script's stdout is JSON lines too (the one message for people goes to
# stderr).
#
#   scripts/play-party.sh http://127.0.0.1:8000
#
# PARTY_TUI names the program (default: party-tui on PATH). The players'
# data directories go in WORK_DIR (default: a new temporary directory).
# The last line printed is the party's results; the exit status is 0 when
# the party reached RESULTS, else the failing command's exit code.
set -euo pipefail

server="${1:?usage: play-party.sh SERVER_URL [WORK_DIR]}"
work="${2:-$(mktemp -d)}"
tui="${PARTY_TUI:-party-tui}"
export PARTY_SERVER="$server"

# One function per player: the same program, its own sign-in.
host() { "$tui" headless --data-dir "$work/host" "$@"; }
friend() { "$tui" headless --data-dir "$work/friend" "$@"; }

host guest | jq -c '{host: .username, wallet}'
friend guest | jq -c '{friend: .username, wallet}'

# Four players in all, so the party waits for both bots before it can start;
# one vote each keeps it short.
code="$(host create --min-players 4 --max-players 4 --votes 1 | jq -r .party_code)"
echo "party code: $code" >&2
friend join "$code" | jq -c '{joined: .party_code}'

# The simulated players sign in as guests, join, get ready and then play
# every round until RESULTS; each prints `bot_joined` once it is ready.
"$tui" bots --count 2 --join "$code" --timeout 300 >"$work/bots.jsonl" &
bots=$!

host ready >/dev/null
friend ready >/dev/null
for _ in $(seq 1 300); do
  [ "$(jq -s 'map(select(.event == "bot_joined")) | length' "$work/bots.jsonl")" -ge 2 ] && break
  kill -0 "$bots" 2>/dev/null || { wait "$bots"; exit $?; }
  sleep 0.2
done
host start | jq -c '{started: .session_id}'

# Both people play at once (the bots already are). `play` writes its own
# phrases first, then generated ones; it returns when the party has
# reached RESULTS.
host play --timeout 300 --phrases "MIDNIGHT SNACK,LATE TRAIN" >"$work/host.jsonl" &
hosting=$!
friend play --timeout 300 >"$work/friend.jsonl"
wait "$hosting"
wait "$bots"
for who in host friend; do
  jq -c 'select(.event == "submitted") | {player: "'"$who"'", round_type, phrase, correct}' "$work/$who.jsonl"
done

# The scoreboard, readable after the party ended.
host results | jq -c '{party_code: .results.party_code,
  rankings: [.results.rankings[] | {username, net_coins}]}'
