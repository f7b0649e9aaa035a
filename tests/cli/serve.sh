#!/bin/sh
# tests/cli/serve.sh — dpsim serve's command line (docs/serve.md): bad options and scenarios
# end with exit status 2 and the reason before anything listens; a port in use is refused
# (exit 1); the server listens on 127.0.0.1 by default, serves only its embedded files (a
# path outside them, or a path with .., is 404, and nothing from disk), and on SIGTERM stops
# with exit status 0 and leaves no temporary folder behind.
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD.
BUILD=${BUILD:-build}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

expect() { # name, exit status wanted, message part, command...
    name=$1 want=$2 msg=$3
    shift 3
    "$@" >"$tmp/out" 2>&1
    rc=$?
    if [ "$rc" = "$want" ] && grep -qF -- "$msg" "$tmp/out"; then
        echo "PASS: $name"
    else
        echo "got exit $rc:"; cat "$tmp/out"; echo "FAIL: $name"
    fi
}
expect serve_bad_bind 2 "--bind 1.2.3: expected an IPv4 address" "$DPSIM" serve --bind 1.2.3 --port 0
expect serve_bad_port 2 "--port expects a whole number from 0 to 65535" "$DPSIM" serve --port 70000
expect serve_missing_scenario 2 "scenarios/nope.yaml: cannot open" "$DPSIM" serve scenarios/nope.yaml
expect serve_same_name 2 "is also the name of" "$DPSIM" serve scenarios/daan-baseline.yaml scenarios/daan-baseline.yaml

mkdir "$tmp/t"
TMPDIR="$tmp/t" "$DPSIM" serve --port 0 >"$tmp/serve.out" 2>&1 &
pid=$!
i=0
while ! grep -q 'http://' "$tmp/serve.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
url=$(sed -n 's|^dpsim serve: \(http://[^ ]*\) .*|\1|p' "$tmp/serve.out")
port=${url##*:}
port=${port%/}
case "$url" in
http://127.0.0.1:*) echo "PASS: serve_default_bind ($url)" ;;
*) cat "$tmp/serve.out"; echo "FAIL: serve_default_bind" ;;
esac
expect serve_port_in_use 1 "cannot listen on 127.0.0.1 port $port" "$DPSIM" serve --port "$port"
ok=0
for p in /README.md /../README.md /%2e%2e/README.md /model/web/app.js /etc/passwd /api; do
    code=$(curl -s --path-as-is -o "$tmp/body" -w '%{http_code}' "$url${p#/}")
    [ "$code" = 404 ] || { echo "  $p: $code"; ok=1; }
done
code=$(curl -s -o "$tmp/app.js" -w '%{http_code}' "${url}app.js")
[ "$code" = 200 ] && cmp -s "$tmp/app.js" model/web/app.js || { echo "  app.js: $code"; ok=1; }
[ $ok = 0 ] && echo "PASS: serve_own_files (only the embedded files; paths on disk 404)" ||
    echo "FAIL: serve_own_files"
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
left=$(ls "$tmp/t")
if [ "$rc" = 0 ] && [ -z "$left" ]; then
    echo "PASS: serve_sigterm (exit 0, temporary folder removed)"
else
    echo "FAIL: serve_sigterm (exit $rc, left: $left)"
fi
