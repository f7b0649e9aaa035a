/* tests/fuzz/fuzz_results.c — libFuzzer target: the HDF5 results reader behind summary,
 * compare, targets and export (dp_output_scenarios, dp_output_read, dp_output_read_summary,
 * dp_output_read_info, dp_targets_read, dp_budget_read), on valid files changed object by
 * object.
 *
 * Byte mutations of an HDF5 file mostly test HDF5's own decoder (which dpsim cannot fix, and
 * which the seal keeps away from dpsim's own files: docs/output-schema.md); this target instead
 * applies structural changes with the HDF5 API to a copy of a real results file (the template,
 * DPSIM_FUZZ_RESULTS, written by tests/fuzz/run.sh with `dpsim run`), seals it again, and
 * reads it back as the commands do. The input is a list of 4-byte operations:
 *   byte 0 % 8  the change: delete an attribute, set a string attribute to the text that follows,
 *               delete an object, resize a dataset, change a dataset's type, set an attribute to
 *               a number, flatten a dataset, fill a dataset with NaN/inf/huge values;
 *   bytes 1-2   which object (index into the template's objects, modulo their number);
 *   byte 3      a parameter (which attribute, dimension, type or value).
 * A string attribute's text is the bytes after the operation up to a NUL (at most 64). Every
 * outcome must be DP_OK or an error with a message; a crash or sanitizer report is a finding. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "analysis/targets.h"
#include "core/ctx.h"
#include "core/results.h"
#include "output/output.h"
#include "output/seal.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

enum { MAX_OBJ = 4096, MAX_OPS = 16 };
static char *obj_path[MAX_OBJ];
static int obj_is_ds[MAX_OBJ];
static size_t n_obj;
static uint8_t *tmpl;
static size_t tmpl_len;

static herr_t
collect(hid_t root, const char *name, const H5O_info_t *info, void *op)
{
    (void)root;
    (void)op;
    if (n_obj < MAX_OBJ && strcmp(name, ".") != 0) {
        obj_path[n_obj] = strdup(name);
        obj_is_ds[n_obj] = info->type == H5O_TYPE_DATASET;
        n_obj++;
    }
    return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const char *t = getenv("DPSIM_FUZZ_RESULTS");
    FILE *f = t ? fopen(t, "rb") : NULL;
    if (!f) {
        fprintf(stderr, "fuzz_results: DPSIM_FUZZ_RESULTS must name a results file\n");
        abort();
    }
    fseek(f, 0, SEEK_END);
    tmpl_len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    tmpl = malloc(tmpl_len);
    if (!tmpl || fread(tmpl, 1, tmpl_len, f) != tmpl_len) {
        abort();
    }
    fclose(f);
    hid_t h = H5Fopen(t, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (h < 0) {
        abort();
    }
    H5Ovisit2(h, H5_INDEX_NAME, H5_ITER_INC, collect, NULL, H5O_INFO_BASIC);
    H5Fclose(h);
    return 0;
}

/* The name of attribute k (modulo their number) of obj into buf; 0 when it has none. */
static int
attr_name(hid_t obj, unsigned k, char *buf, size_t size)
{
    H5O_info_t oi;
    if (H5Oget_info2(obj, &oi, H5O_INFO_NUM_ATTRS) < 0 || oi.num_attrs == 0) {
        return 0;
    }
    hsize_t i = (hsize_t)k % oi.num_attrs;
    return H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, buf, size, H5P_DEFAULT) > 0;
}

/* Replaces dataset `path` of file f by one of the same name made by make(). */
static void
replace_ds(hid_t f, const char *path, hid_t type, int rank, const hsize_t *dims, const void *fill)
{
    H5Ldelete(f, path, H5P_DEFAULT);
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(f, path, type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d >= 0 && fill) {
        H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, fill);
    }
    if (d >= 0) {
        H5Dclose(d);
    }
    H5Sclose(sp);
}

static void
apply(hid_t f, const uint8_t *op, const uint8_t *text, size_t text_len)
{
    const char *path = obj_path[((size_t)op[1] | (size_t)op[2] << 8) % n_obj];
    int is_ds = obj_is_ds[((size_t)op[1] | (size_t)op[2] << 8) % n_obj];
    if (H5Lexists(f, path, H5P_DEFAULT) <= 0) {
        return;
    }
    hid_t obj = H5Oopen(f, path, H5P_DEFAULT);
    if (obj < 0) {
        return;
    }
    char an[256];
    switch (op[0] % 8) {
    case 0: /* delete an attribute */
        if (attr_name(obj, op[3], an, sizeof an)) {
            H5Adelete(obj, an);
        }
        break;
    case 1: /* set a string attribute (new or existing) to the text */
    case 5: { /* set an attribute to a number */
        if (!attr_name(obj, op[3], an, sizeof an)) {
            snprintf(an, sizeof an, "%s", op[3] & 1 ? "dims" : "units");
        }
        H5Adelete(obj, an);
        hid_t sp = H5Screate(H5S_SCALAR);
        if (op[0] % 8 == 1) {
            char s[65];
            size_t n = 0;
            while (n < text_len && n < 64 && text[n]) {
                s[n] = (char)text[n];
                n++;
            }
            s[n] = '\0';
            hid_t ty = H5Tcopy(H5T_C_S1);
            H5Tset_size(ty, n + 1);
            hid_t a = H5Acreate2(obj, an, ty, sp, H5P_DEFAULT, H5P_DEFAULT);
            if (a >= 0) {
                H5Awrite(a, ty, s);
                H5Aclose(a);
            }
            H5Tclose(ty);
        } else {
            double v = op[3] < 64 ? -1.0 : op[3] < 128 ? 1e300 : op[3] < 192 ? NAN : (double)op[3];
            hid_t a = H5Acreate2(obj, an, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT);
            if (a >= 0) {
                H5Awrite(a, H5T_NATIVE_DOUBLE, &v);
                H5Aclose(a);
            }
        }
        H5Sclose(sp);
        break;
    }
    case 2: /* delete the object */
        H5Oclose(obj);
        H5Ldelete(f, path, H5P_DEFAULT);
        return;
    case 3:   /* resize a dataset along one dimension */
    case 4:   /* change its type */
    case 6:   /* flatten it */
    case 7: { /* fill it with NaN, inf or huge values */
        if (!is_ds) {
            break;
        }
        hid_t sp = H5Dget_space(obj);
        int rank = H5Sget_simple_extent_ndims(sp);
        hsize_t dims[32];
        if (rank < 0 || rank > 32 || H5Sget_simple_extent_dims(sp, dims, NULL) < 0) {
            H5Sclose(sp);
            break;
        }
        H5Sclose(sp);
        hid_t ft = H5Dget_type(obj);
        int numeric = H5Tget_class(ft) == H5T_FLOAT || H5Tget_class(ft) == H5T_INTEGER;
        H5Tclose(ft);
        H5Oclose(obj);
        hsize_t n = 1;
        for (int k = 0; k < rank; k++) {
            n *= dims[k];
        }
        if (n > (1u << 24)) {
            return;
        }
        if (op[0] % 8 == 3 && rank > 0) {
            int k = op[3] % rank;
            dims[k] = (hsize_t)(op[3] >> 2) % (dims[k] + 3);
            replace_ds(f, path, H5T_NATIVE_DOUBLE, rank, dims, NULL);
        } else if (op[0] % 8 == 4) {
            hid_t ty = op[3] % 3 == 0 ? H5Tcopy(H5T_NATIVE_INT) :
                       op[3] % 3 == 1 ? H5Tcopy(H5T_NATIVE_FLOAT) : H5Tcopy(H5T_C_S1);
            if (op[3] % 3 == 2) {
                H5Tset_size(ty, 8);
            }
            replace_ds(f, path, ty, rank, dims, NULL);
            H5Tclose(ty);
        } else if (op[0] % 8 == 6) {
            hsize_t flat = n;
            replace_ds(f, path, H5T_NATIVE_DOUBLE, 1, &flat, NULL);
        } else if (numeric) {
            double *v = malloc((size_t)(n ? n : 1) * sizeof *v);
            double fill = op[3] < 85 ? NAN : op[3] < 170 ? INFINITY : -1e308;
            for (hsize_t i = 0; v && i < n; i++) {
                v[i] = fill;
            }
            if (v) {
                hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
                if (d >= 0) {
                    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
                    H5Dclose(d);
                }
            }
            free(v);
        }
        return;
    }
    }
    H5Oclose(obj);
}

/* What the commands read, on one scenario group. */
static void
read_all(dp_ctx *ctx, const char *path, const char *name)
{
    dp_results *res = NULL;
    if (dp_output_read(ctx, path, name, &res) == DP_OK) {
        dp_target_result *tr = NULL;
        dp_budget_year *by = NULL;
        size_t n = 0;
        if (dp_targets_read(ctx, res, &tr, &n) == DP_OK) {
            free(tr);
        }
        if (dp_budget_read(ctx, res, &by, &n) == DP_OK) {
            free(by);
        }
        dp_results_free(res);
    }
    res = NULL;
    if (dp_output_read_summary(ctx, path, name, &res) == DP_OK) {
        dp_results_free(res);
    }
    dp_output_info *info = NULL;
    if (dp_output_read_info(ctx, path, name, &info) == DP_OK) {
        dp_output_info_free(info);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_write(0, "r.h5", tmpl, tmpl_len);
    /* Strong close: H5Fclose closes whatever an operation left open. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (f < 0) {
        fprintf(stderr, "fuzz_results: cannot open the copy of the template %s\n", path);
        H5Eprint2(H5E_DEFAULT, stderr);
        abort();
    }
    size_t at = 0, n_op = 0;
    while (at + 4 <= size && n_op < MAX_OPS) {
        const uint8_t *op = data + at;
        at += 4;
        const uint8_t *text = data + at;
        size_t text_len = 0;
        if (op[0] % 8 == 1) {
            while (at + text_len < size && text_len < 64 && text[text_len]) {
                text_len++;
            }
            at += text_len + (at + text_len < size);
        }
        apply(f, op, text, text_len);
        n_op++;
    }
    H5Fclose(f);
    /* Seal the changed file again, as a writer that made these objects would: the reader then
     * trusts the bytes and goes straight to its own checks of the structure (the child-process
     * check of unsealed files costs a fork per open, too slow for fuzzing under ASan). */
    dp_ctx *ctx = dp_ctx_alloc();
    if (!ctx) {
        return 0;
    }
    if (dp_seal_write(ctx, path) != DP_OK) {
        fprintf(stderr, "fuzz_results: %s\n", dp_ctx_errmsg(ctx));
        abort();
    }
    char **names = NULL;
    size_t n = 0;
    if (dp_output_scenarios(ctx, path, &names, &n) == DP_OK) {
        for (size_t i = 0; i < n; i++) {
            read_all(ctx, path, names[i]);
        }
        dp_output_names_free(names, n);
    } else if (dp_ctx_errmsg(ctx)[0] == '\0') {
        abort();
    }
    dp_ctx_free(ctx);
    /* The reader must close everything it opened, on every path. */
    ssize_t left = H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (left > 0) {
        fprintf(stderr, "fuzz_results: the reader left %zd HDF5 objects open:\n", left);
        hid_t ids[16];
        ssize_t k = H5Fget_obj_ids((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL, 16, ids);
        for (ssize_t i = 0; i < k; i++) {
            char nm[256] = "";
            H5Iget_name(ids[i], nm, sizeof nm);
            fprintf(stderr, "  type %d %s\n", (int)H5Iget_type(ids[i]), nm);
        }
        abort();
    }
    return 0;
}
