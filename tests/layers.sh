#!/bin/sh
# tests/layers.sh — the library's layering rule (docs/architecture.md), checked two ways:
#   (serve: model/serve, libdpsim_serve.a, linked by the command only; it sits above analysis.)
#   1. includes: a file in model/<layer>/ may include "<layer>/..." headers of its own layer or
#      of a layer before it in LAYERS, and nothing of model/cli; an include without a layer
#      folder ("foo.h") is refused in the library (it would hide which layer it reaches).
#   2. symbols: no object of a layer references a symbol defined by an object of a later layer
#      (nm over the built objects), which also catches a call through a declaration written by
#      hand instead of an include.
# Prints PASS:/FAIL: lines (one per rule, and one FAIL line per violation). Run from the project
# root after a build. Environment: BUILD (default build).
BUILD=${BUILD:-build}
LAYERS="core input domain engines output analysis serve cli"
rank() {
    i=0
    for l in $LAYERS; do
        [ "$l" = "$1" ] && { echo $i; return; }
        i=$((i + 1))
    done
    echo 99
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Includes.
bad=0
for l in $LAYERS; do
    r=$(rank "$l")
    for f in model/"$l"/*.c model/"$l"/*.h; do
        [ -f "$f" ] || continue
        grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
            sed 's/^\([0-9]*\):.*include[[:space:]]*"\([^"]*\)".*/\1 \2/' >"$tmp/inc"
        while read -r line path; do
            case "$path" in
            */*) to=${path%%/*} ;;
            *)
                if [ "$l" = cli ] && [ -f "model/cli/$path" ]; then continue; fi
                echo "FAIL: layers_include $f:$line: \"$path\" names no layer folder"
                bad=$((bad + 1))
                continue
                ;;
            esac
            tr=$(rank "$to")
            if [ "$tr" -eq 99 ] || [ ! -f "model/$path" ]; then
                echo "FAIL: layers_include $f:$line: \"$path\" is not a header of a layer"
                bad=$((bad + 1))
            elif [ "$tr" -gt "$r" ]; then
                echo "FAIL: layers_include $f:$line: $l may not include $to (\"$path\")"
                bad=$((bad + 1))
            fi
        done <"$tmp/inc"
    done
done
[ "$bad" -eq 0 ] && echo "PASS: layers_include (no file includes a later layer)"

# 2. Symbols: defined-by table, then every undefined reference checked against it.
if ! ls "$BUILD"/obj/model/core/*.o >/dev/null 2>&1; then
    echo "FAIL: layers_symbols (no objects under $BUILD/obj/model: build first)"
    exit 1
fi
for l in $LAYERS; do
    for o in "$BUILD"/obj/model/"$l"/*.o; do
        [ -f "$o" ] || continue
        nm -g --defined-only "$o" | awk -v l="$l" -v o="$o" 'NF == 3 {print $3, l, o}'
    done
done | sort -k1,1 >"$tmp/defs"
bad=0
for l in $LAYERS; do
    r=$(rank "$l")
    for o in "$BUILD"/obj/model/"$l"/*.o; do
        [ -f "$o" ] || continue
        nm -u "$o" | awk '{print $2}' | sort -u | join - "$tmp/defs" >"$tmp/uses"
        while read -r sym to def; do
            tr=$(rank "$to")
            if [ "$tr" -gt "$r" ]; then
                echo "FAIL: layers_symbols ${o#"$BUILD"/obj/}: $l uses $sym of $to (${def#"$BUILD"/obj/})"
                bad=$((bad + 1))
            fi
        done <"$tmp/uses"
    done
done
[ "$bad" -eq 0 ] && echo "PASS: layers_symbols (no object uses a symbol of a later layer)"
exit 0
