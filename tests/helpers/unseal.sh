# tests/helpers/unseal.sh — sourced by shell tests that change a results file on purpose (with
# h5py) before reading it with dpsim: `unseal FILE` removes the file's seal (the SHA-256 line of
# its user block, model/output/seal.h) by overwriting its first byte, so that dpsim reads it as
# an unsealed file (after its child-process check) instead of refusing it as changed. A file
# without a seal is left as it is.
unseal() {
    if [ "$(head -c 13 "$1")" = "DPSIM-SHA256 " ]; then
        printf 'x' | dd of="$1" bs=1 count=1 conv=notrunc 2>/dev/null
    fi
}
