/* tests/fuzz/fuzz_common.h — what the libFuzzer targets share: a private scratch folder, created
 * once per process (TMPDIR or /tmp, removed at exit), where each input is written as the file
 * the loader under test reads, since dpsim's loaders read paths, as the command line does. */
#ifndef DPSIM_FUZZ_COMMON_H
#define DPSIM_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* The scratch folder (no trailing slash). */
const char *fz_dir(void);

/* Writes buf[0..len) to fz_dir()/name and returns its path (static storage, one per name slot
 * 0..3). Aborts when the file cannot be written: a fuzzer must not carry on silently. */
const char *fz_write(int slot, const char *name, const uint8_t *buf, size_t len);

#endif
