/* model/output/h5util.c
 *
 * Checked HDF5 helpers for the output writer and reader (see h5util.h). Strings are written
 * as variable-length UTF-8; the readers accept variable- and fixed-length strings in either
 * character set. Every negative HDF5 return becomes DP_EHDF5 through dp_h5_error_at, which
 * captures HDF5's error stack before any other HDF5 call can clear it.
 */
#include "output/h5util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

/* What dp_h5_error_at keeps from HDF5's error stack. */
typedef struct {
    char api[64];   /**< the API function that failed (outermost entry) */
    char desc[400]; /**< the innermost description */
    int full;       /**< some entry reports a full file system (ENOSPC or EDQUOT) */
} h5_stack_info;

static herr_t
walk_stack(unsigned n, const H5E_error2_t *err, void *client)
{
    h5_stack_info *info = client;
    /* Walking upward: entry 0 is the innermost; each later entry overwrites api. */
    if (n == 0 && err->desc) {
        snprintf(info->desc, sizeof info->desc, "%s", err->desc);
    }
    /* HDF5's POSIX drivers put the system error in the description: "... errno = 28, error
     * message = 'No space left on device' ...". */
    if (err->desc && (strstr(err->desc, "No space left on device") ||
                      strstr(err->desc, "Disk quota exceeded"))) {
        info->full = 1;
    }
    if (err->func_name) {
        snprintf(info->api, sizeof info->api, "%s", err->func_name);
    }
    return 0;
}

dp_status
dp_h5_error_at(dp_ctx *ctx, hid_t obj, const char *src_file, int src_line, const char *func,
               const char *fmt, ...)
{
    h5_stack_info info = {"", "", 0};
    char what[512];
    char file[512] = "";
    char object[256] = "";
    va_list ap;

    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_stack, &info);
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (obj >= 0 && H5Iis_valid(obj) > 0) {
        if (H5Fget_name(obj, file, sizeof file) < 0) {
            file[0] = '\0';
        }
        if (H5Iget_type(obj) != H5I_FILE && H5Iget_name(obj, object, sizeof object) < 0) {
            object[0] = '\0';
        }
    }
    H5Eclear2(H5E_DEFAULT);
    if (info.full) {
        /* One plain sentence: what the user can act on, no HDF5 stack text. */
        return dp_error_at(ctx, DP_EIO, src_file, src_line, func,
                           "%s%sthe file system is full (no space left on device) while %s; the "
                           "partial file is removed and an existing file of the requested name "
                           "is untouched: free some space or write elsewhere",
                           file, file[0] ? ": " : "", what);
    }
    return dp_error_at(ctx, DP_EHDF5, src_file, src_line, func, "%s%s%s%s%s (HDF5%s%s: %s)", file,
                       file[0] ? ": " : "", object, object[0] ? ": " : "", what,
                       info.api[0] ? " " : "", info.api,
                       info.desc[0] ? info.desc : "no error description");
}

hid_t
dp_h5_close(hid_t id)
{
    if (id < 0 || H5Iis_valid(id) <= 0) {
        return H5I_INVALID_HID;
    }
    switch (H5Iget_type(id)) {
    case H5I_FILE:
        H5Fclose(id);
        break;
    case H5I_GROUP:
        H5Gclose(id);
        break;
    case H5I_DATASET:
        H5Dclose(id);
        break;
    case H5I_ATTR:
        H5Aclose(id);
        break;
    case H5I_DATATYPE:
        H5Tclose(id);
        break;
    case H5I_DATASPACE:
        H5Sclose(id);
        break;
    case H5I_GENPROP_LST:
        H5Pclose(id);
        break;
    default:
        H5Idec_ref(id);
        break;
    }
    return H5I_INVALID_HID;
}

hid_t
dp_h5_str_type(void)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0) {
        return type;
    }
    if (H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0) {
        H5Tclose(type);
        return H5I_INVALID_HID;
    }
    return type;
}

/* Creates attribute name on obj with file type ftype (scalar, or 1-D of n values when rank is
 * 1), replacing an existing one, and writes buf, which holds values of memory type mtype. */
static dp_status
write_attr(dp_ctx *ctx, hid_t obj, const char *name, hid_t ftype, hid_t mtype, int rank, size_t n,
           const void *buf)
{
    dp_status rc = DP_OK;
    hsize_t dim = n;
    hid_t space = H5I_INVALID_HID;
    hid_t attr = H5I_INVALID_HID;
    htri_t exists = H5Aexists(obj, name);

    if (exists < 0) {
        rc = dp_h5_error(ctx, obj, "checking for attribute '%s'", name);
        goto out;
    }
    if (exists > 0 && H5Adelete(obj, name) < 0) {
        rc = dp_h5_error(ctx, obj, "replacing attribute '%s'", name);
        goto out;
    }
    space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL);
    if (space < 0) {
        rc = dp_h5_error(ctx, obj, "creating the dataspace of attribute '%s'", name);
        goto out;
    }
    attr = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0) {
        rc = dp_h5_error(ctx, obj, "creating attribute '%s'", name);
        goto out;
    }
    if (n > 0 && H5Awrite(attr, mtype, buf) < 0) {
        rc = dp_h5_error(ctx, obj, "writing attribute '%s'", name);
        goto out;
    }
out:
    dp_h5_close(attr);
    dp_h5_close(space);
    return rc;
}

/* Writes a scalar (rank 0) or 1-D (rank 1) string attribute. */
static dp_status
write_str_attr(dp_ctx *ctx, hid_t obj, const char *name, int rank, size_t n,
               const char *const *values)
{
    dp_status rc = DP_OK;
    hid_t type = dp_h5_str_type();

    if (type < 0) {
        return dp_h5_error(ctx, obj, "making a string type for attribute '%s'", name);
    }
    rc = write_attr(ctx, obj, name, type, type, rank, n, values);
    dp_h5_close(type);
    return rc;
}

dp_status
dp_h5_attr_str(dp_ctx *ctx, hid_t obj, const char *name, const char *value)
{
    return write_str_attr(ctx, obj, name, 0, 1, &value);
}

dp_status
dp_h5_attr_strs(dp_ctx *ctx, hid_t obj, const char *name, size_t n, const char *const *values)
{
    return write_str_attr(ctx, obj, name, 1, n, values);
}

/* Integer attributes are stored little-endian whatever the machine; HDF5 converts. */
dp_status
dp_h5_attr_i32(dp_ctx *ctx, hid_t obj, const char *name, int32_t value)
{
    return write_attr(ctx, obj, name, H5T_STD_I32LE, H5T_NATIVE_INT32, 0, 1, &value);
}

dp_status
dp_h5_attr_i32s(dp_ctx *ctx, hid_t obj, const char *name, size_t n, const int32_t *v)
{
    return write_attr(ctx, obj, name, H5T_STD_I32LE, H5T_NATIVE_INT32, 1, n, v);
}

dp_status
dp_h5_attr_i64(dp_ctx *ctx, hid_t obj, const char *name, int64_t value)
{
    return write_attr(ctx, obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, 0, 1, &value);
}

dp_status
dp_h5_attr_u64(dp_ctx *ctx, hid_t obj, const char *name, uint64_t value)
{
    return write_attr(ctx, obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, 0, 1, &value);
}

/* Creates a string dataset of the given rank (0 or 1) and writes values. */
static dp_status
write_str_dataset(dp_ctx *ctx, hid_t loc, const char *name, int rank, size_t n,
                  const char *const *values, hid_t *out)
{
    dp_status rc = DP_OK;
    hsize_t dim = n;
    hid_t type = dp_h5_str_type();
    hid_t space = H5I_INVALID_HID;
    hid_t dset = H5I_INVALID_HID;

    if (out) {
        *out = H5I_INVALID_HID;
    }
    if (type < 0) {
        rc = dp_h5_error(ctx, loc, "making a string type for dataset '%s'", name);
        goto out;
    }
    space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL);
    if (space < 0) {
        rc = dp_h5_error(ctx, loc, "creating the dataspace of dataset '%s'", name);
        goto out;
    }
    dset = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (dset < 0) {
        rc = dp_h5_error(ctx, loc, "creating dataset '%s'", name);
        goto out;
    }
    if (n > 0 && H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0) {
        rc = dp_h5_error(ctx, dset, "writing the strings of dataset '%s'", name);
        goto out;
    }
    if (out) {
        *out = dset;
        dset = H5I_INVALID_HID;
    }
out:
    dp_h5_close(dset);
    dp_h5_close(space);
    dp_h5_close(type);
    return rc;
}

dp_status
dp_h5_dataset_strs(dp_ctx *ctx, hid_t loc, const char *name, size_t n, const char *const *values,
                   hid_t *out)
{
    return write_str_dataset(ctx, loc, name, 1, n, values, out);
}

dp_status
dp_h5_dataset_str(dp_ctx *ctx, hid_t loc, const char *name, const char *value, hid_t *out)
{
    return write_str_dataset(ctx, loc, name, 0, 1, &value, out);
}

int
dp_h5_has_attr(dp_ctx *ctx, hid_t obj, const char *name)
{
    htri_t exists = H5Aexists(obj, name);
    if (exists < 0) {
        dp_h5_error(ctx, obj, "checking for attribute '%s'", name);
        return -1;
    }
    return exists > 0;
}

void
dp_h5_strs_free(char **s, size_t n)
{
    if (!s) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(s[i]);
    }
    free(s);
}

static char *
dup_n(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

dp_status
dp_h5_read_strs(dp_ctx *ctx, hid_t obj, const char *name, int is_attr, char ***out, size_t *n)
{
    dp_status rc = DP_OK;
    hid_t attr = H5I_INVALID_HID;
    hid_t ftype = H5I_INVALID_HID;
    hid_t mtype = H5I_INVALID_HID;
    hid_t space = H5I_INVALID_HID;
    char **vbuf = NULL; /* variable-length: the pointers HDF5 allocated */
    char *fbuf = NULL;  /* fixed-length: n records of fsize bytes */
    char **result = NULL;
    size_t count = 0;
    size_t fsize = 0;
    int vlen = 0;
    hssize_t npoints = 0;
    htri_t is_vlen = 0;
    H5T_cset_t cset = H5T_CSET_ERROR;
    void *buf = NULL;
    herr_t status = 0;

    *out = NULL;
    *n = 0;
    if (is_attr) {
        attr = H5Aopen(obj, name, H5P_DEFAULT);
        if (attr < 0) {
            rc = dp_h5_error(ctx, obj, "opening attribute '%s'", name);
            goto out;
        }
    }
    ftype = is_attr ? H5Aget_type(attr) : H5Dget_type(obj);
    space = is_attr ? H5Aget_space(attr) : H5Dget_space(obj);
    if (ftype < 0 || space < 0) {
        rc = dp_h5_error(ctx, obj, "inspecting '%s'", name);
        goto out;
    }
    if (H5Tget_class(ftype) != H5T_STRING) {
        rc = dp_error(ctx, DP_EINPUT, "'%s' holds no strings", name);
        goto out;
    }
    npoints = H5Sget_simple_extent_npoints(space);
    is_vlen = H5Tis_variable_str(ftype);
    cset = H5Tget_cset(ftype);
    if (npoints < 0 || is_vlen < 0 || cset < 0) {
        rc = dp_h5_error(ctx, obj, "inspecting the strings of '%s'", name);
        goto out;
    }
    count = (size_t)npoints;
    vlen = is_vlen > 0;
    mtype = H5Tcopy(H5T_C_S1);
    if (mtype < 0 || H5Tset_cset(mtype, cset) < 0) {
        rc = dp_h5_error(ctx, obj, "making a memory string type for '%s'", name);
        goto out;
    }
    if (vlen) {
        if (H5Tset_size(mtype, H5T_VARIABLE) < 0) {
            rc = dp_h5_error(ctx, obj, "making a memory string type for '%s'", name);
            goto out;
        }
        vbuf = calloc(count ? count : 1, sizeof *vbuf);
        if (!vbuf) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory reading '%s'", name);
            goto out;
        }
    } else {
        fsize = H5Tget_size(ftype) + 1;
        if (H5Tset_size(mtype, fsize) < 0 || H5Tset_strpad(mtype, H5T_STR_NULLTERM) < 0) {
            rc = dp_h5_error(ctx, obj, "making a memory string type for '%s'", name);
            goto out;
        }
        fbuf = calloc(count ? count : 1, fsize);
        if (!fbuf) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory reading '%s'", name);
            goto out;
        }
    }
    buf = vlen ? (void *)vbuf : (void *)fbuf;
    if (count > 0) {
        status = is_attr ? H5Aread(attr, mtype, buf)
                         : H5Dread(obj, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    }
    if (status < 0) {
        rc = dp_h5_error(ctx, obj, "reading the strings of '%s'", name);
        goto out;
    }
    result = calloc(count ? count : 1, sizeof *result);
    if (!result) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory reading '%s'", name);
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        const char *s = vlen ? (vbuf[i] ? vbuf[i] : "") : fbuf + i * fsize;
        result[i] = dup_n(s, strlen(s));
        if (!result[i]) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory reading '%s'", name);
            goto out;
        }
    }
    *out = result;
    *n = count;
    result = NULL;
out:
    if (vbuf && count > 0) {
        /* Frees the strings HDF5 allocated (H5Dvlen_reclaim is H5Treclaim from 1.12 on). */
#if H5_VERSION_GE(1, 12, 0)
        H5Treclaim(mtype, space, H5P_DEFAULT, vbuf);
#else
        H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, vbuf);
#endif
    }
    free(vbuf);
    free(fbuf);
    dp_h5_strs_free(result, count);
    dp_h5_close(mtype);
    dp_h5_close(space);
    dp_h5_close(ftype);
    dp_h5_close(attr);
    return rc;
}

dp_status
dp_h5_read_attr_str(dp_ctx *ctx, hid_t obj, const char *name, char *buf, size_t cap, int optional)
{
    char **s = NULL;
    size_t n = 0;
    dp_status rc = DP_OK;
    int has = dp_h5_has_attr(ctx, obj, name);

    if (cap > 0) {
        buf[0] = '\0';
    }
    if (has < 0) {
        return DP_EHDF5;
    }
    if (!has) {
        return optional ? DP_OK : dp_error(ctx, DP_EINPUT, "attribute '%s' is missing", name);
    }
    rc = dp_h5_read_strs(ctx, obj, name, 1, &s, &n);
    if (rc != DP_OK) {
        return rc;
    }
    if (n != 1) {
        rc = dp_error(ctx, DP_EINPUT, "attribute '%s' holds %zu strings, expected one", name, n);
    } else if (cap > 0) {
        snprintf(buf, cap, "%s", s[0]);
    }
    dp_h5_strs_free(s, n);
    return rc;
}
