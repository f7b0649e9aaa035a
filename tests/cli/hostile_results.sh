#!/bin/sh
# tests/cli/hostile_results.sh — summary, targets and export on results files that are not what
# they claim (issue 14): every one must end with exit status 2 and a message that names what is
# wrong, never a crash (status > 128) or exit 0.
#  - the seal (model/output/seal.h): a written file's first line is the SHA-256 of its bytes
#    512 to the end, checked here independently with Python's hashlib; a sealed file cut short or
#    with bytes changed (30 seeded random damages) is refused as changed, before HDF5 reads it;
#  - unsealed files: a directory, an empty file, a text file, another tool's HDF5 file, tables
#    of the wrong shape, rank or type, a missing dims attribute or axis, root attributes
#    removed, an unsealed file cut short.
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD, PYTHON.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
. tests/helpers/unseal.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$DPSIM" run scenarios/daan-targets.yaml --engine cohort -o "$tmp/good.h5" --quiet >/dev/null 2>&1 ||
    { echo "FAIL: hostile_setup (run)"; exit 0; }

# The seal: the first line names the SHA-256 of bytes 512.. (an independent computation).
"$PYTHON" - "$tmp/good.h5" <<'PY' && echo "PASS: seal_is_sha256_of_the_rest" || echo "FAIL: seal_is_sha256_of_the_rest"
import hashlib, sys
b = open(sys.argv[1], "rb").read()
line = b[:512].split(b"\n")[0].decode()
assert line == "DPSIM-SHA256 " + hashlib.sha256(b[512:]).hexdigest(), line
PY
"$DPSIM" summary "$tmp/good.h5" >/dev/null 2>&1 && echo "PASS: sealed_file_reads" || echo "FAIL: sealed_file_reads"

# expect NAME FILE PATTERN: every reading command exits 2 with PATTERN in its message.
expect() {
    name=$1 file=$2 pat=$3
    for c in summary targets export; do
        if [ "$c" = export ]; then
            rm -rf "$tmp/csv"
            "$DPSIM" export "$file" --csv "$tmp/csv" >"$tmp/out" 2>&1
        else
            "$DPSIM" "$c" "$file" >"$tmp/out" 2>&1
        fi
        rc=$?
        if [ "$rc" = 2 ] && grep -q -- "$pat" "$tmp/out"; then
            echo "PASS: hostile_${name}_$c"
        else
            echo "FAIL: hostile_${name}_$c (exit $rc: $(head -c 300 "$tmp/out"))"
        fi
    done
}

# Sealed files, damaged after writing: refused as changed, deterministically.
size=$(wc -c <"$tmp/good.h5")
head -c $((size / 2)) "$tmp/good.h5" >"$tmp/half.h5"
expect sealed_cut_short "$tmp/half.h5" "changed or cut short"
head -c 600 "$tmp/good.h5" >"$tmp/head.h5"
expect sealed_600_bytes "$tmp/head.h5" "changed or cut short"
"$PYTHON" - "$tmp/good.h5" "$tmp" <<'PY'
import random, sys
data = open(sys.argv[1], "rb").read()
for s in range(30):
    r = random.Random(s)
    b = bytearray(data)
    for _ in range(1 + s % 20):
        b[512 + r.randrange(len(b) - 512)] = r.randrange(256)
    open("%s/flip%02d.h5" % (sys.argv[2], s), "wb").write(b)
PY
for f in "$tmp"/flip*.h5; do
    n=$(basename "$f" .h5)
    "$DPSIM" summary "$f" >"$tmp/out" 2>&1
    rc=$?
    if [ "$rc" = 2 ] && grep -q "changed or cut short" "$tmp/out"; then
        echo "PASS: hostile_sealed_$n"
    else
        echo "FAIL: hostile_sealed_$n (exit $rc: $(head -c 300 "$tmp/out"))"
    fi
done

# Not results files at all.
mkdir "$tmp/dir.h5"
expect directory "$tmp/dir.h5" "not an HDF5 file"
: >"$tmp/empty.h5"
expect empty "$tmp/empty.h5" "not an HDF5 file"
echo "year,value" >"$tmp/text.h5"
expect text "$tmp/text.h5" "not an HDF5 file"

# Unsealed HDF5 files with the wrong content.
"$PYTHON" - "$tmp" <<'PY'
import shutil, sys
import h5py, numpy as np
d = sys.argv[1]
with h5py.File(d + "/other.h5", "w") as f:
    f["x"] = np.arange(10)
def variant(name, change):
    shutil.copy(d + "/good.h5", "%s/%s.h5" % (d, name))
    with h5py.File("%s/%s.h5" % (d, name), "r+") as f:
        change(f[list(f.keys())[0]], f)
def replace(fn, keep_attrs=True):
    def change(g, f):
        ds = g["runs/spending"]
        attrs = dict(ds.attrs) if keep_attrs else {}
        v = fn(ds[()])
        del g["runs/spending"]
        g["runs/spending"] = v
        for k, x in attrs.items():
            if k not in ("DIMENSION_LIST",):
                g["runs/spending"].attrs[k] = x
    return change
variant("shape", replace(lambda v: v[:, :3]))
variant("rank", replace(lambda v: v.reshape(-1)))
variant("strings", replace(lambda v: v.astype("S8")))
variant("nodims", replace(lambda v: v, keep_attrs=False))
variant("noaxis", lambda g, f: g.__delitem__("programme"))
def noroot(g, f):
    for k in list(f.attrs):
        del f.attrs[k]
variant("noroot", noroot)
variant("cut", lambda g, f: None)
PY
for v in shape rank strings nodims noaxis noroot cut; do unseal "$tmp/$v.h5"; done
size=$(wc -c <"$tmp/cut.h5")
head -c $((size * 2 / 3)) "$tmp/cut.h5" >"$tmp/cut2.h5"
expect other_tool "$tmp/other.h5" "not a dpsim results file"
expect wrong_shape "$tmp/shape.h5" "runs/spending"
expect wrong_rank "$tmp/rank.h5" "runs/spending"
expect strings "$tmp/strings.h5" "runs/spending: expected numbers"
expect no_dims "$tmp/nodims.h5" "dims"
expect no_axis "$tmp/noaxis.h5" "programme"
expect no_root_attributes "$tmp/noroot.h5" "not a dpsim results file"
expect unsealed_cut_short "$tmp/cut2.h5" "damaged or cut short"
exit 0
