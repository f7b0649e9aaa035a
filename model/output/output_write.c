/* model/output/output_write.c
 *
 * The writer of the HDF5 results file (docs/output-schema.md): dp_output_open,
 * dp_output_write_group, dp_output_close and dp_output_abort. The reader is output_read.c.
 * dp_output_write, which takes a dp_scenario, lives in output_scenario.c so that this file
 * does not depend on the scenario loader.
 *
 * Invariants. The file is only ever written under a temporary name in the target's folder,
 * ".<basename>.tmp.<pid>", created exclusively; dp_output_close renames it over the target
 * after flushing it to disk, so the target is either absent, the old file byte for byte, or
 * the complete new file. Temporaries left by killed runs to the same name (whose pid is no
 * longer a process) are removed by dp_output_open (dp_outpath_clean_stale). The first failure of any write closes and removes the temporary at
 * once and leaves the dp_output failed; dp_output_close then reports that failure again.
 *
 * Layout of one scenario group /<name>/: attributes (title, engine, runs, seed, rng, year
 * range, regions); scenario_yaml (+ sha256); inputs/{path, sha256}; one dataset per axis, made
 * an HDF5 dimension scale, plus the scales run and stat; runs/, summary/ and base/ tables of
 * float64 with the scales attached to their dimensions. The axes sit in the scenario group
 * itself (not in a subgroup) because netCDF-4 readers such as h5netcdf/xarray find a
 * dimension only in the table's own group or an ancestor of it.
 *
 * Workload: a handful of groups and tens of tables per scenario; the cost is the deflate of
 * the per-run tables and the sort per element in the summary (summary.c).
 */
#include "output/output.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>
#include <nettle/sha2.h>

#include "output/h5util.h"
#include "output/output_impl.h"
#include "output/seal.h"
#include "core/outpath.h"
#include "core/util.h"

/* The git commit dpsim was built from (the root attribute `git_commit`): the Makefile passes
 * `git rev-parse --short HEAD` to this file, "unknown" outside a git checkout. */
#ifndef DP_GIT_COMMIT
#define DP_GIT_COMMIT "unknown"
#endif

/* Largest chunk of a table, in bytes: one run's slab unless that is larger. */
enum { CHUNK_MAX_BYTES = 1 << 20 };
/* Deflate level of the tables (with the shuffle filter before it). */
enum { DEFLATE_LEVEL = 4 };

/* Names the writer uses inside a scenario group; no axis or scenario may take them. */
static const char *const reserved_name[] = {"run",    "stat",     "runs",    "summary",
                                            "base",   "inputs",   "scenario_yaml",
                                            "history", "backtest"};

struct dp_output {
    hid_t file;       /**< open temporary file, or H5I_INVALID_HID once closed */
    char *path;       /**< the requested name */
    char *tmp;        /**< the temporary name */
    int tmp_exists;   /**< whether tmp was created and not yet renamed or removed */
    dp_status failed; /**< DP_OK, or the status of the first failure */
};

/* ------------------------------------------------------------------------------------------ */
/* Small helpers */

int
dp_output_valid_name(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n < 32 && !strchr(name, '/') && strcmp(name, ".") != 0;
}

static int
is_reserved(const char *name)
{
    for (size_t i = 0; i < sizeof reserved_name / sizeof reserved_name[0]; i++) {
        if (strcmp(name, reserved_name[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Joins n strings with sep into a new string (caller frees); NULL when out of memory. */
static char *
join(size_t n, const char *const *s, const char *sep)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++) {
        len += strlen(s[i]) + (i ? strlen(sep) : 0);
    }
    char *d = malloc(len);
    if (!d) {
        return NULL;
    }
    d[0] = '\0';
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            size_t k = strlen(sep);
            memcpy(d + at, sep, k);
            at += k;
        }
        size_t k = strlen(s[i]);
        memcpy(d + at, s[i], k);
        at += k;
    }
    d[at] = '\0';
    return d;
}

static void
sha256_text(const char *text, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    struct sha256_ctx h;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, strlen(text), (const uint8_t *)text);
    sha256_digest(&h, sizeof digest, digest);
    for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 0x0f];
    }
    hex[64] = '\0';
}

/* Group creation properties that remember the order links were made in, so the reader gives
 * scenarios, axes and tables back in the order they were written. */
static hid_t
ordered_gcpl(void)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl >= 0 &&
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) {
        H5Pclose(gcpl);
        return H5I_INVALID_HID;
    }
    return gcpl;
}

static dp_status
create_group(dp_ctx *ctx, hid_t loc, const char *name, hid_t *out)
{
    dp_status rc = DP_OK;
    hid_t gcpl = ordered_gcpl();

    *out = H5I_INVALID_HID;
    if (gcpl < 0) {
        return dp_h5_error(ctx, loc, "making group properties for '%s'", name);
    }
    *out = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    if (*out < 0) {
        rc = dp_h5_error(ctx, loc, "creating group '%s'", name);
    }
    H5Pclose(gcpl);
    return rc;
}

/* Closes the temporary file and removes it; the target is never touched. */
static void
discard(dp_output *o)
{
    o->file = dp_h5_close(o->file);
    if (o->tmp_exists) {
        unlink(o->tmp);
        o->tmp_exists = 0;
    }
}

static void
output_free(dp_output *o)
{
    free(o->path);
    free(o->tmp);
    free(o);
}

/* ------------------------------------------------------------------------------------------ */
/* Opening and closing */

dp_status
dp_output_open(dp_ctx *ctx, const char *path, const char *command_line, dp_output **out)
{
    dp_status rc = DP_OK;
    dp_output *o = NULL;
    hid_t fcpl = H5I_INVALID_HID;
    hid_t fapl = H5I_INVALID_HID;
    char created[32];
    time_t now = time(NULL);
    struct tm utc;
    const char *slash = strrchr(path, '/');

    *out = NULL;
    if (path[0] == '\0' || (slash && slash[1] == '\0')) {
        return dp_error(ctx, DP_EINPUT, "'%s': an output file name is required", path);
    }
    o = calloc(1, sizeof *o);
    if (!o) {
        return dp_error(ctx, DP_ENOMEM, "out of memory opening '%s'", path);
    }
    o->file = H5I_INVALID_HID;
    o->path = dp_strdup(path);
    o->tmp = dp_outpath_temp_name(path);
    if (!o->path || !o->tmp) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory opening '%s'", path);
        goto out;
    }
    /* The root group keeps link creation order too, so scenarios list in the order written. */
    fcpl = H5Pcreate(H5P_FILE_CREATE);
    /* A user block for the seal (seal.h), filled in when the file is complete. */
    if (fcpl < 0 ||
        H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_userblock(fcpl, DP_SEAL_BYTES) < 0) {
        rc = dp_h5_error(ctx, H5I_INVALID_HID, "making file properties for '%s'", o->tmp);
        goto out;
    }
    /* Strong close: H5Fclose also closes anything left open, so a failure path cannot keep the
     * temporary file open (and undeletable on some systems). */
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        rc = dp_h5_error(ctx, H5I_INVALID_HID, "making file access properties for '%s'", o->tmp);
        goto out;
    }
    /* Temporaries of earlier runs to this name that were killed (their pid is gone). */
    dp_outpath_clean_stale(path);
    o->file = H5Fcreate(o->tmp, H5F_ACC_EXCL, fcpl, fapl);
    if (o->file < 0) {
        rc = dp_h5_error(ctx, H5I_INVALID_HID, "creating the temporary file '%s' for '%s'", o->tmp,
                         path);
        goto out;
    }
    o->tmp_exists = 1;
    if (!gmtime_r(&now, &utc) ||
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0) {
        rc = dp_error(ctx, DP_EINTERNAL, "cannot format the current UTC time");
        goto out;
    }
    if ((rc = dp_h5_attr_str(ctx, o->file, "Conventions", DP_CONVENTIONS)) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, o->file, "tool", "dpsim")) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, o->file, "version", DP_VERSION)) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, o->file, "git_commit", DP_GIT_COMMIT)) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, o->file, "schema_version", DP_SCHEMA_VERSION)) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, o->file, "created_utc", created)) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, o->file, "command_line", command_line ? command_line : "")) !=
            DP_OK) {
        goto out;
    }
    *out = o;
    o = NULL;
out:
    dp_h5_close(fapl);
    dp_h5_close(fcpl);
    if (o) {
        discard(o);
        output_free(o);
    }
    return rc;
}

/* Flushes the file's data to disk, so that the rename cannot expose an empty file after a
 * crash of the machine. */
static dp_status
sync_file(dp_ctx *ctx, const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return dp_error(ctx, DP_EIO, "%s: cannot reopen to flush it: %s", path, strerror(errno));
    }
    if (fdatasync(fd) != 0) {
        int err = errno;
        close(fd);
        if (err == ENOSPC || err == EDQUOT) {
            return dp_error(ctx, DP_EIO,
                            "%s: the file system is full (no space left on device) while "
                            "flushing the file to disk; the partial file is removed and an "
                            "existing file of the requested name is untouched",
                            path);
        }
        return dp_error(ctx, DP_EIO, "%s: cannot flush to disk: %s", path, strerror(err));
    }
    close(fd);
    return DP_OK;
}

dp_status
dp_output_close(dp_ctx *ctx, dp_output *o)
{
    dp_status rc = DP_OK;
    herr_t closed = 0;
    const char *why = "";

    if (!o) {
        return dp_error(ctx, DP_EINTERNAL, "dp_output_close called without an output");
    }
    if (o->failed != DP_OK) {
        rc = dp_error(ctx, o->failed, "%s: not written, because an earlier write to it failed",
                      o->path);
        goto out;
    }
    if (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0) {
        rc = dp_h5_error(ctx, o->file, "flushing the file before renaming it to '%s'", o->path);
        goto out;
    }
    closed = H5Fclose(o->file);
    o->file = H5I_INVALID_HID;
    if (closed < 0) {
        rc = dp_h5_error(ctx, H5I_INVALID_HID, "closing '%s'", o->tmp);
        goto out;
    }
    if ((rc = dp_seal_write(ctx, o->tmp)) != DP_OK || (rc = sync_file(ctx, o->tmp)) != DP_OK) {
        goto out;
    }
    /* What the name holds may have changed during the run: never rename over a link, folder,
     * FIFO or device (core/outpath.h). */
    if (!dp_outpath_replaceable(o->path, &why)) {
        rc = dp_error(ctx, DP_EINPUT,
                      "the results file '%s' is now %s, not a regular file; nothing was written",
                      o->path, why);
        goto out;
    }
    if (rename(o->tmp, o->path) != 0) {
        rc = dp_error(ctx, DP_EIO, "cannot rename '%s' to '%s': %s", o->tmp, o->path,
                      strerror(errno));
        goto out;
    }
    o->tmp_exists = 0;
out:
    discard(o);
    output_free(o);
    return rc;
}

void
dp_output_abort(dp_output *o)
{
    if (!o) {
        return;
    }
    discard(o);
    output_free(o);
}

void
dp_output_fail(dp_output *o, dp_status status)
{
    if (o && o->failed == DP_OK) {
        o->failed = status != DP_OK ? status : DP_EINTERNAL;
        discard(o);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Writer: axes */

/* Whether every value is an integer that int32 holds exactly. */
static int
all_int32(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!(v[i] >= INT32_MIN && v[i] <= INT32_MAX) || v[i] != floor(v[i])) {
            return 0;
        }
    }
    return 1;
}

/* Writes a 1-D numeric dataset of n values as int32 (when all are integers) or float64. */
static dp_status
write_numeric_axis(dp_ctx *ctx, hid_t grp, const char *name, size_t n, const double *v, hid_t *out)
{
    dp_status rc = DP_OK;
    hsize_t dim = n;
    hid_t space = H5Screate_simple(1, &dim, NULL);
    hid_t ftype = all_int32(v, n) ? H5T_STD_I32LE : H5T_IEEE_F64LE;

    *out = H5I_INVALID_HID;
    if (space < 0) {
        return dp_h5_error(ctx, grp, "creating the dataspace of axis '%s'", name);
    }
    *out = H5Dcreate2(grp, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (*out < 0) {
        rc = dp_h5_error(ctx, grp, "creating axis '%s'", name);
        goto out;
    }
    /* HDF5 converts the doubles to the file type (exactly, as all_int32 checked). */
    if (n > 0 && H5Dwrite(*out, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
        rc = dp_h5_error(ctx, *out, "writing the values of axis '%s'", name);
        goto out;
    }
out:
    H5Sclose(space);
    return rc;
}

/* Writes axis a as a dimension scale in grp; *scale receives the open dataset. */
static dp_status
write_axis(dp_ctx *ctx, hid_t grp, const dp_axis *a, hid_t *scale)
{
    dp_status rc = DP_OK;
    const char *const *label = (const char *const *)a->label;
    const char *const *label_zh = (const char *const *)a->label_zh;

    if (a->value) {
        rc = write_numeric_axis(ctx, grp, a->name, a->n, a->value, scale);
        if (rc == DP_OK) {
            rc = dp_h5_attr_strs(ctx, *scale, "labels", a->n, label);
        }
    } else {
        rc = dp_h5_dataset_strs(ctx, grp, a->name, a->n, label, scale);
    }
    if (rc == DP_OK) {
        rc = dp_h5_attr_strs(ctx, *scale, "label_zh", a->n, label_zh);
    }
    if (rc == DP_OK && H5DSset_scale(*scale, a->name) < 0) {
        rc = dp_h5_error(ctx, *scale, "making axis '%s' a dimension scale", a->name);
    }
    return rc;
}

/* The run scale: int32 0..n_run-1. */
static dp_status
write_run_axis(dp_ctx *ctx, hid_t grp, size_t n_run, hid_t *scale)
{
    dp_status rc = DP_OK;
    double *v = malloc((n_run ? n_run : 1) * sizeof *v);

    *scale = H5I_INVALID_HID;
    if (!v) {
        return dp_error(ctx, DP_ENOMEM, "out of memory for the run axis (%zu runs)", n_run);
    }
    for (size_t run = 0; run < n_run; run++) {
        v[run] = (double)run;
    }
    rc = write_numeric_axis(ctx, grp, "run", n_run, v, scale);
    if (rc == DP_OK && H5DSset_scale(*scale, "run") < 0) {
        rc = dp_h5_error(ctx, *scale, "making 'run' a dimension scale");
    }
    free(v);
    return rc;
}

/* The stat scale: labels mean, sd, p025 .. p975 with Chinese label_zh. */
static dp_status
write_stat_axis(dp_ctx *ctx, hid_t grp, hid_t *scale)
{
    dp_status rc = dp_h5_dataset_strs(ctx, grp, "stat", DP_N_STAT, dp_summary_stat_label, scale);
    if (rc == DP_OK) {
        rc = dp_h5_attr_strs(ctx, *scale, "label_zh", DP_N_STAT, dp_summary_stat_label_zh);
    }
    if (rc == DP_OK && H5DSset_scale(*scale, "stat") < 0) {
        rc = dp_h5_error(ctx, *scale, "making 'stat' a dimension scale");
    }
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Writer: tables */

/* Chunk shape: dims with the leading dimension (if lead) cut to 1, then the outermost other
 * dimensions halved until a chunk is at most CHUNK_MAX_BYTES. */
static void
chunk_shape(int lead, size_t rank, const hsize_t *dims, hsize_t *chunk)
{
    hsize_t bytes = sizeof(double);
    for (size_t k = 0; k < rank; k++) {
        chunk[k] = (lead && k == 0) ? 1 : dims[k];
        bytes *= chunk[k];
    }
    while (bytes > CHUNK_MAX_BYTES) {
        size_t k = lead ? 1 : 0;
        while (k < rank && chunk[k] == 1) {
            k++;
        }
        if (k == rank) {
            break;
        }
        bytes = bytes / chunk[k];
        chunk[k] = (chunk[k] + 1) / 2;
        bytes *= chunk[k];
    }
}

/* What write_table writes: one table of res into grp, with an optional leading dimension. */
typedef struct {
    const char *lead_name; /**< "run", "stat" or NULL (base table) */
    size_t lead_n;         /**< length of the leading dimension */
    hid_t lead_scale;      /**< its scale */
    const double *data;    /**< [lead_n][t->size] or [t->size] */
} table_job;

static dp_status
write_table(dp_ctx *ctx, hid_t grp, const dp_results *res, const dp_table *t,
            const hid_t *axis_scale, const table_job *job)
{
    dp_status rc = DP_OK;
    hid_t space = H5I_INVALID_HID;
    hid_t dcpl = H5I_INVALID_HID;
    hid_t dset = H5I_INVALID_HID;
    hsize_t dims[DP_MAX_RANK + 1];
    hsize_t chunk[DP_MAX_RANK + 1];
    const char *dim_name[DP_MAX_RANK + 1];
    char *dims_attr = NULL;
    int lead = job->lead_name != NULL;
    size_t rank = t->rank + (size_t)lead;
    size_t off = (size_t)lead;
    hsize_t total = 1;

    if (lead) {
        dims[0] = job->lead_n;
        dim_name[0] = job->lead_name;
    }
    for (size_t k = 0; k < t->rank; k++) {
        dims[k + off] = res->axis[t->axis[k]].n;
        dim_name[k + off] = res->axis[t->axis[k]].name;
    }
    for (size_t k = 0; k < rank; k++) {
        total *= dims[k];
    }
    space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple((int)rank, dims, NULL);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0) {
        rc = dp_h5_error(ctx, grp, "preparing table '%s'", t->name);
        goto out;
    }
    /* Empty and scalar tables cannot be chunked; they are stored contiguously. */
    if (rank > 0 && total > 0) {
        chunk_shape(lead, rank, dims, chunk);
        if (H5Pset_chunk(dcpl, (int)rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
            H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0) {
            rc = dp_h5_error(ctx, grp, "setting chunking and compression of table '%s'", t->name);
            goto out;
        }
    }
    dset = H5Dcreate2(grp, t->name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dset < 0) {
        rc = dp_h5_error(ctx, grp, "creating table '%s'", t->name);
        goto out;
    }
    if (total > 0 &&
        H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, job->data) < 0) {
        rc = dp_h5_error(ctx, dset, "writing table '%s'", t->name);
        goto out;
    }
    for (size_t k = 0; k < rank; k++) {
        hid_t scale = (lead && k == 0) ? job->lead_scale : axis_scale[t->axis[k - off]];
        if (H5DSattach_scale(dset, scale, (unsigned)k) < 0) {
            rc = dp_h5_error(ctx, dset, "attaching scale '%s' to dimension %zu of table '%s'",
                             dim_name[k], k, t->name);
            goto out;
        }
    }
    dims_attr = join(rank, dim_name, ",");
    if (!dims_attr) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory writing table '%s'", t->name);
        goto out;
    }
    /* CF attribute names (units, long_name), so that netCDF and xarray tools find them. */
    if ((rc = dp_h5_attr_str(ctx, dset, "units", t->unit)) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, dset, "long_name", t->title)) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, dset, "label_zh", t->title_zh)) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, dset, "dims", dims_attr)) != DP_OK) {
        goto out;
    }
out:
    free(dims_attr);
    dp_h5_close(dset);
    dp_h5_close(dcpl);
    dp_h5_close(space);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Writer: the scenario group */

/* Checks everything that can be checked before the file is touched. */
static dp_status
validate(dp_ctx *ctx, const dp_output *o, const dp_output_meta *meta, const dp_results *res,
         const dp_run_info *info)
{
    size_t n_per_run = 0;

    if (!meta->name || !dp_output_valid_name(meta->name)) {
        return dp_error(ctx, DP_EINPUT,
                        "scenario name '%s' cannot name an HDF5 group (it must be 1 to 31 "
                        "bytes, without '/')",
                        meta->name ? meta->name : "(null)");
    }
    htri_t exists = H5Lexists(o->file, meta->name, H5P_DEFAULT);
    if (exists < 0) {
        return dp_h5_error(ctx, o->file, "checking for scenario '%s'", meta->name);
    }
    if (exists > 0) {
        return dp_error(ctx, DP_EINPUT, "%s: scenario '%s' is written twice", o->path, meta->name);
    }
    for (size_t i = 0; i < res->n_axis; i++) {
        const dp_axis *a = &res->axis[i];
        if (!dp_output_valid_name(a->name) || is_reserved(a->name)) {
            return dp_error(ctx, DP_EINTERNAL,
                            "axis name '%s' is not allowed in the output (reserved or not a "
                            "valid HDF5 name)",
                            a->name);
        }
    }
    for (size_t i = 0; i < res->n_table; i++) {
        const dp_table *t = &res->table[i];
        if (!dp_output_valid_name(t->name)) {
            return dp_error(ctx, DP_EINTERNAL,
                            "table name '%s' is not a valid HDF5 name (1 to 31 bytes, no '/')",
                            t->name);
        }
        for (size_t k = 0; k < t->rank; k++) {
            if (t->axis[k] >= res->n_axis) {
                return dp_error(ctx, DP_EINTERNAL, "table '%s' refers to axis %zu of %zu", t->name,
                                t->axis[k], res->n_axis);
            }
        }
        n_per_run += t->per_run != 0;
    }
    if (n_per_run > 0 && res->n_run == 0) {
        return dp_error(ctx, DP_EINTERNAL, "per-run tables over zero runs");
    }
    if (info && info->runs != res->n_run) {
        return dp_error(ctx, DP_EINTERNAL, "run info says %zu runs, the results hold %zu",
                        info->runs, res->n_run);
    }
    return DP_OK;
}

/* Scenario group attributes. */
static dp_status
write_group_attrs(dp_ctx *ctx, hid_t grp, const dp_output_meta *meta, const dp_results *res,
                  const dp_run_info *info)
{
    dp_status rc = DP_OK;
    char *regions = NULL;
    size_t year = dp_results_find_axis(res, "year");
    size_t region = dp_results_find_axis(res, "region");

    if ((rc = dp_h5_attr_str(ctx, grp, "title", meta->title ? meta->title : "")) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, grp, "engine", info && info->engine ? info->engine : "")) !=
            DP_OK ||
        (rc = dp_h5_attr_i64(ctx, grp, "runs", (int64_t)res->n_run)) != DP_OK ||
        (rc = dp_h5_attr_u64(ctx, grp, "seed", info ? (uint64_t)info->seed : 0)) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, grp, "rng", info && info->rng ? info->rng : "none")) != DP_OK) {
        goto out;
    }
    if (year != (size_t)-1 && res->axis[year].value && res->axis[year].n > 0) {
        const dp_axis *a = &res->axis[year];
        if ((rc = dp_h5_attr_i32(ctx, grp, "year_start", (int32_t)a->value[0])) != DP_OK ||
            (rc = dp_h5_attr_i32(ctx, grp, "year_end", (int32_t)a->value[a->n - 1])) != DP_OK) {
            goto out;
        }
    }
    if (region != (size_t)-1) {
        regions = join(res->axis[region].n, (const char *const *)res->axis[region].label, ",");
    } else {
        regions = dp_strdup("");
    }
    if (!regions) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory writing scenario '%s'", meta->name);
        goto out;
    }
    if ((rc = dp_h5_attr_str(ctx, grp, "regions", regions)) != DP_OK) {
        goto out;
    }
    /* The base year each region is projected from, in the order of `regions`
     * (docs/output-schema.md). */
    if (meta->n_region > 0 && meta->region_base_year) {
        int32_t *by = malloc(meta->n_region * sizeof *by);
        if (!by) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory writing scenario '%s'", meta->name);
            goto out;
        }
        for (size_t i = 0; i < meta->n_region; i++) {
            by[i] = (int32_t)meta->region_base_year[i];
        }
        rc = dp_h5_attr_i32s(ctx, grp, "base_years", meta->n_region, by);
        free(by);
    }
out:
    free(regions);
    return rc;
}

/* scenario_yaml (with its sha256) and inputs/{path, sha256}. */
static dp_status
write_provenance(dp_ctx *ctx, hid_t grp, const dp_output_meta *meta, size_t n_extra,
                 const char (*extra_path)[256], const char (*extra_sha256)[65])
{
    dp_status rc = DP_OK;
    hid_t yaml = H5I_INVALID_HID;
    hid_t inputs = H5I_INVALID_HID;
    hid_t path_ds = H5I_INVALID_HID;
    hid_t sha_ds = H5I_INVALID_HID;
    size_t n = meta->n_input + n_extra;
    const char **path = calloc(n ? n : 1, sizeof *path);
    const char **sha = calloc(n ? n : 1, sizeof *sha);
    const char *text = meta->text ? meta->text : "";
    char hex[65];

    if (!path || !sha) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory listing the inputs of '%s'", meta->name);
        goto out;
    }
    sha256_text(text, hex);
    if ((rc = dp_h5_dataset_str(ctx, grp, "scenario_yaml", text, &yaml)) != DP_OK ||
        (rc = dp_h5_attr_str(ctx, yaml, "sha256", hex)) != DP_OK) {
        goto out;
    }
    for (size_t i = 0; i < meta->n_input; i++) {
        path[i] = meta->input_path[i];
        sha[i] = meta->input_sha256[i];
    }
    for (size_t i = 0; i < n_extra; i++) {
        path[meta->n_input + i] = extra_path[i];
        sha[meta->n_input + i] = extra_sha256[i];
    }
    if ((rc = create_group(ctx, grp, "inputs", &inputs)) != DP_OK ||
        (rc = dp_h5_dataset_strs(ctx, inputs, "path", n, path, &path_ds)) != DP_OK ||
        (rc = dp_h5_dataset_strs(ctx, inputs, "sha256", n, sha, &sha_ds)) != DP_OK) {
        goto out;
    }
    /* path is the dimension of sha256, so netCDF-4 readers see a labelled table. */
    if (H5DSset_scale(path_ds, "path") < 0 || H5DSattach_scale(sha_ds, path_ds, 0) < 0) {
        rc = dp_h5_error(ctx, inputs, "making inputs/path the dimension scale of inputs/sha256");
        goto out;
    }
out:
    dp_h5_close(sha_ds);
    dp_h5_close(path_ds);
    dp_h5_close(inputs);
    dp_h5_close(yaml);
    free(path);
    free(sha);
    return rc;
}

static dp_status
write_group(dp_ctx *ctx, dp_output *o, const dp_output_meta *meta, const dp_results *res,
            const dp_run_info *info, size_t n_extra, const char (*extra_path)[256],
            const char (*extra_sha256)[65])
{
    dp_status rc = DP_OK;
    hid_t grp = H5I_INVALID_HID;
    hid_t runs = H5I_INVALID_HID;
    hid_t summary = H5I_INVALID_HID;
    hid_t base = H5I_INVALID_HID;
    hid_t backtest = H5I_INVALID_HID; /* tables backtest_* of dpsim backtest, if any */
    hid_t history = H5I_INVALID_HID;  /* tables history_* (reported figures), if any */
    hid_t run_scale = H5I_INVALID_HID;
    hid_t stat_scale = H5I_INVALID_HID;
    hid_t axis_scale[DP_MAX_AXES];
    double *stats = NULL;

    for (size_t i = 0; i < DP_MAX_AXES; i++) {
        axis_scale[i] = H5I_INVALID_HID;
    }
    if ((rc = create_group(ctx, o->file, meta->name, &grp)) != DP_OK ||
        (rc = write_group_attrs(ctx, grp, meta, res, info)) != DP_OK ||
        (rc = write_provenance(ctx, grp, meta, n_extra, extra_path, extra_sha256)) != DP_OK) {
        goto out;
    }
    for (size_t i = 0; i < res->n_axis; i++) {
        if ((rc = write_axis(ctx, grp, &res->axis[i], &axis_scale[i])) != DP_OK) {
            goto out;
        }
    }
    if ((rc = write_run_axis(ctx, grp, res->n_run, &run_scale)) != DP_OK ||
        (rc = write_stat_axis(ctx, grp, &stat_scale)) != DP_OK ||
        (rc = create_group(ctx, grp, "runs", &runs)) != DP_OK ||
        (rc = create_group(ctx, grp, "summary", &summary)) != DP_OK ||
        (rc = create_group(ctx, grp, "base", &base)) != DP_OK) {
        goto out;
    }
    for (size_t i = 0; i < res->n_table; i++) {
        const dp_table *t = &res->table[i];
        if (!t->per_run) {
            table_job job = {NULL, 0, H5I_INVALID_HID, t->data};
            int bt = strncmp(t->name, "backtest_", 9) == 0;
            int hi = strncmp(t->name, "history_", 8) == 0;
            if (bt && backtest == H5I_INVALID_HID &&
                (rc = create_group(ctx, grp, "backtest", &backtest)) != DP_OK) {
                goto out;
            }
            if (hi && history == H5I_INVALID_HID &&
                (rc = create_group(ctx, grp, "history", &history)) != DP_OK) {
                goto out;
            }
            if ((rc = write_table(ctx, bt ? backtest : (hi ? history : base), res, t,
                                  axis_scale, &job)) != DP_OK) {
                goto out;
            }
            continue;
        }
        table_job job = {"run", res->n_run, run_scale, t->data};
        if ((rc = write_table(ctx, runs, res, t, axis_scale, &job)) != DP_OK) {
            goto out;
        }
        free(stats);
        stats = malloc((t->size ? t->size : 1) * DP_N_STAT * sizeof *stats);
        if (!stats) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory summarising table '%s'", t->name);
            goto out;
        }
        if ((rc = dp_summary_compute(ctx, t->data, res->n_run, t->size, stats)) != DP_OK) {
            goto out;
        }
        table_job sjob = {"stat", DP_N_STAT, stat_scale, stats};
        if ((rc = write_table(ctx, summary, res, t, axis_scale, &sjob)) != DP_OK) {
            goto out;
        }
    }
out:
    free(stats);
    for (size_t i = 0; i < DP_MAX_AXES; i++) {
        dp_h5_close(axis_scale[i]);
    }
    dp_h5_close(stat_scale);
    dp_h5_close(run_scale);
    dp_h5_close(base);
    dp_h5_close(backtest);
    dp_h5_close(history);
    dp_h5_close(summary);
    dp_h5_close(runs);
    dp_h5_close(grp);
    return rc;
}

dp_status
dp_output_write_group(dp_ctx *ctx, dp_output *o, const dp_output_meta *meta, const dp_results *res,
                      const dp_run_info *info, size_t n_extra, const char (*extra_path)[256],
                      const char (*extra_sha256)[65])
{
    dp_status rc = DP_OK;

    if (!o) {
        return dp_error(ctx, DP_EINTERNAL, "dp_output_write called without an output");
    }
    if (o->failed != DP_OK || o->file < 0) {
        return dp_error(ctx, DP_EINTERNAL, "%s: output already discarded after an earlier error",
                        o->path);
    }
    rc = validate(ctx, o, meta, res, info);
    if (rc == DP_OK) {
        rc = write_group(ctx, o, meta, res, info, n_extra, extra_path, extra_sha256);
    }
    if (rc != DP_OK) {
        dp_output_fail(o, rc);
    }
    return rc;
}
