/* model/output/h5util.h
 *
 * Small checked wrappers over the HDF5 C API used by the output writer and reader: UTF-8
 * string attributes and datasets (variable-length, H5T_CSET_UTF8, so h5py returns str and
 * Chinese text reads back intact), integer attributes, and the error path that turns a
 * negative HDF5 return into DP_EHDF5 with a message naming the file, the object and what was
 * being done, followed by HDF5's own innermost error description. Private; not installed.
 * Every function here is for the calling thread only (HDF5 serial is not thread-safe).
 */
#ifndef DPSIM_H5UTIL_H
#define DPSIM_H5UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "core/ctx.h"

/* Records DP_EHDF5 in ctx: "FILE: OBJECT: what (HDF5: innermost error)". obj may be
 * H5I_INVALID_HID (then FILE and OBJECT are left out). Reads HDF5's error stack before making
 * any other HDF5 call, so call it right after the failing call. Returns DP_EHDF5. */
dp_status dp_h5_error_at(dp_ctx *ctx, hid_t obj, const char *src_file, int src_line,
                         const char *func, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
#define dp_h5_error(ctx, obj, ...)                                                                 \
    dp_h5_error_at((ctx), (obj), __FILE__, __LINE__, __func__, __VA_ARGS__)

/* Closes any HDF5 identifier (file, group, dataset, attribute, type, space, property list)
 * if it is valid, ignoring errors; for cleanup paths. Returns H5I_INVALID_HID. */
hid_t dp_h5_close(hid_t id);

/* A variable-length UTF-8 string type; the caller closes it. Negative on failure. */
hid_t dp_h5_str_type(void);

/* Scalar string attribute `name` = value on obj (replaced if it exists). */
dp_status dp_h5_attr_str(dp_ctx *ctx, hid_t obj, const char *name, const char *value);
/* 1-D string attribute of n values (n may be 0). */
dp_status dp_h5_attr_strs(dp_ctx *ctx, hid_t obj, const char *name, size_t n,
                          const char *const *values);
/* Scalar integer attributes: 32-bit signed, 64-bit signed, 64-bit unsigned (little-endian). */
dp_status dp_h5_attr_i32(dp_ctx *ctx, hid_t obj, const char *name, int32_t value);
/* A one-dimensional int32 attribute of n values (n >= 1). */
dp_status dp_h5_attr_i32s(dp_ctx *ctx, hid_t obj, const char *name, size_t n, const int32_t *v);
dp_status dp_h5_attr_i64(dp_ctx *ctx, hid_t obj, const char *name, int64_t value);
dp_status dp_h5_attr_u64(dp_ctx *ctx, hid_t obj, const char *name, uint64_t value);

/* Creates the 1-D string dataset loc/name of n values; *out receives the open dataset (the
 * caller closes it), or pass NULL to have it closed. */
dp_status dp_h5_dataset_strs(dp_ctx *ctx, hid_t loc, const char *name, size_t n,
                             const char *const *values, hid_t *out);
/* Creates the scalar string dataset loc/name; *out as above. */
dp_status dp_h5_dataset_str(dp_ctx *ctx, hid_t loc, const char *name, const char *value,
                            hid_t *out);

/* Whether obj has attribute name: 1 yes, 0 no; DP_EHDF5 recorded and -1 on failure. */
int dp_h5_has_attr(dp_ctx *ctx, hid_t obj, const char *name);

/* Reads the scalar string attribute `name` of obj into buf (cap bytes, truncated and always
 * NUL-terminated). A missing attribute gives "" when optional is nonzero, else DP_EINPUT.
 * Fixed- and variable-length strings are both accepted. */
dp_status dp_h5_read_attr_str(dp_ctx *ctx, hid_t obj, const char *name, char *buf, size_t cap,
                              int optional);
/* Reads a 1-D string attribute (is_attr nonzero: attribute `name` of obj) or a 1-D string
 * dataset (is_attr zero: the dataset obj itself; name is used in messages only) into a newly
 * allocated array of *n newly allocated strings; free with dp_h5_strs_free. */
dp_status dp_h5_read_strs(dp_ctx *ctx, hid_t obj, const char *name, int is_attr, char ***out,
                          size_t *n);
void dp_h5_strs_free(char **s, size_t n);

#endif
