#!/bin/sh
# tests/e2e/readme.sh — the README as a new user follows it:
#   1. every scenario file the README names (scenarios/*.yaml) is shipped, and `dpsim check`
#      accepts it;
#   2. every printed example is rerun and compared with what the README shows, numbers
#      included (tests/e2e/readme_check.py; its docstring and README.md "Building and testing"
#      give the convention: "$ COMMAND" blocks, <!-- readme-check: SCRIPT --> and
#      <!-- readme-file: PATH --> comments, "..." for left-out lines);
#   3. `make install PREFIX=DIR` installs a dpsim that runs from DIR/bin, as the README's first
#      section tells users who want dpsim on their PATH.
# After changing what a command prints, rewrite the README's blocks with
#   /usr/bin/python3 tests/e2e/readme_check.py --update README.md
# then read `git diff README.md` and fix the figures the text quotes.
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD, PYTHON.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }

if [ ! -x "$DPSIM" ]; then
    bad "readme $DPSIM not built"
    exit 1
fi

# 1. Scenario files named in the README.
for f in $(grep -o 'scenarios/[A-Za-z0-9_*-]*\.yaml' README.md | grep -v '\*' | sort -u); do
    if [ ! -f "$f" ]; then
        bad "readme_names_shipped_file $f (no such file)"
    elif "$DPSIM" check "$f" >"$tmp/check.out" 2>&1; then
        ok "readme_names_shipped_file $f"
    else
        bad "readme_names_shipped_file $f: dpsim check: $(tail -n 1 "$tmp/check.out")"
    fi
done

# 2. The printed examples; first the checker's own matcher and --update alignment.
"$PYTHON" tests/e2e/readme_check.py --self-test
"$PYTHON" tests/e2e/readme_check.py --dpsim "$DPSIM" README.md

# 3. make install into a scratch prefix.
if make --no-print-directory install BUILD="$BUILD" PREFIX="$tmp/prefix" >"$tmp/install.out" 2>&1 &&
    [ -x "$tmp/prefix/bin/dpsim" ] && [ -f "$tmp/prefix/lib/libdpsim.a" ] &&
    [ "$(cd "$tmp/prefix/include/dpsim" && ls */*.h)" = \
      "$(cd model && ls core/*.h input/*.h domain/*.h engines/*.h output/*.h analysis/*.h | sort)" ]; then
    ok make_install_prefix
else
    bad "make_install_prefix: $(tail -n 3 "$tmp/install.out")"
fi
# Installed and found on PATH, it runs a scenario like the built one.
if (PATH="$tmp/prefix/bin:$PATH" && cd "$tmp" &&
    dpsim run "$OLDPWD/scenarios/daan-baseline.yaml" -o "$tmp/installed.h5" >"$tmp/installed.out" 2>&1) &&
    "$DPSIM" run scenarios/daan-baseline.yaml -o "$tmp/built.h5" >"$tmp/built.out" 2>&1 &&
    [ "$(sed '$d' "$tmp/installed.out")" = "$(sed '$d' "$tmp/built.out")" ]; then
    ok installed_dpsim_on_path_runs
else
    bad "installed_dpsim_on_path_runs: $(tail -n 3 "$tmp/installed.out")"
fi
