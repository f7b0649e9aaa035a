#!/bin/sh
# notebooks/execute.sh — executes notebooks headlessly, top to bottom, with Debian's Python.
#
#   sh notebooks/execute.sh OUTDIR NOTEBOOK.ipynb...
#
# Each notebook is run by `nbconvert --execute --to notebook` into OUTDIR (same file name,
# outputs included); the committed notebook is not modified. The kernel is a project-local
# kernel spec, $BUILD/jupyter/kernels/python3, that starts $PYTHON (default /usr/bin/python3):
# JUPYTER_PATH puts it ahead of any user or system spec of the same name, so the notebooks never
# run under another `python3` that happens to be first on PATH and cannot see Debian's h5py,
# xarray, pandas and matplotlib. IPYTHONDIR points at an empty profile under $BUILD so that a
# user's IPython start-up files do not change what runs.
# The notebooks read DPSIM_RESULTS, DPSIM_BIN, DPSIM_RUNS, ... from the environment
# (notebooks/README.md); nbconvert runs each notebook in the notebook's own folder, so a relative
# DPSIM_RESULTS or DPSIM_BIN is first made absolute against the caller's working directory.
# Exit status: 0 when every notebook ran without a cell error, else 1
# at the first notebook that fails (nbconvert prints the failing cell and its traceback).
# Run from the project root. Environment: BUILD (default build), PYTHON.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
if [ $# -lt 2 ]; then
    echo "usage: sh notebooks/execute.sh OUTDIR NOTEBOOK.ipynb..." >&2
    exit 2
fi
out=$1
shift
mkdir -p "$out" "$BUILD/jupyter/kernels/python3" "$BUILD/ipython" || exit 1
jdir=$(cd "$BUILD/jupyter" && pwd)
# Written under a temporary name and renamed: several runs may share $BUILD.
kspec="$jdir/kernels/python3/kernel.json"
cat >"$kspec.tmp.$$" <<EOF
{
 "argv": ["$PYTHON", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
 "display_name": "Python 3 (dpsim: $PYTHON)",
 "language": "python",
 "env": {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}
}
EOF
mv -f "$kspec.tmp.$$" "$kspec" || exit 1
JUPYTER_PATH="$jdir${JUPYTER_PATH:+:$JUPYTER_PATH}"
IPYTHONDIR=$(cd "$BUILD/ipython" && pwd)
# nbconvert starts the kernel in the notebook's folder: paths relative to the caller's working
# directory would name the wrong file there.
case $DPSIM_RESULTS in ''|/*) ;; *) DPSIM_RESULTS="$PWD/$DPSIM_RESULTS"; export DPSIM_RESULTS ;; esac
case $DPSIM_BIN in ''|/*) ;; *) DPSIM_BIN="$PWD/$DPSIM_BIN" ;; esac
# The dpsim binary of this build, unless the caller chose one.
if [ -z "$DPSIM_BIN" ] && [ -x "$BUILD/bin/dpsim" ]; then
    DPSIM_BIN=$(cd "$BUILD/bin" && pwd)/dpsim
fi
export JUPYTER_PATH IPYTHONDIR DPSIM_BIN PYDEVD_DISABLE_FILE_VALIDATION=1

for nb in "$@"; do
    if ! "$PYTHON" -m nbconvert --execute --to notebook --output-dir "$out" \
            --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=300 \
            --ExecutePreprocessor.startup_timeout=300 \
            --log-level=WARN "$nb"; then
        echo "execute.sh: $nb failed" >&2
        exit 1
    fi
done
exit 0
