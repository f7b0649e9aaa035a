/* model/output/output_read.c
 *
 * The reader of the HDF5 results file (docs/output-schema.md): dp_output_scenarios,
 * dp_output_read for runs/ and base/, dp_output_read_summary for summary/ and
 * dp_output_read_info for the provenance. The writer is output_write.c.
 *
 * A file of schema DP_SCHEMA_VERSION_OLDEST to DP_SCHEMA_VERSION is accepted; every table is
 * read as it is stored, tables a file lacks are simply absent from the result. The names of
 * schema 3 are given for older files: their table attributes unit, title and title_zh fill the
 * same fields as units, long_name and label_zh, and their axis `budget` is `budget_item`.
 * A summary is read with the stat axis the file has: schema 4's nine statistics (p025 and p975
 * included), the seven of schemas 1 to 3 (no p025, p975); callers look statistics up by label.
 */
#include "output/output.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "output/h5util.h"
#include "output/output_impl.h"
#include "output/seal.h"
#include "core/util.h"

/* ------------------------------------------------------------------------------------------ */
/* Reader */

/* Collects the names of the links in grp, in creation order when the group tracks it and in
 * name order otherwise. */
typedef struct {
    char **name;
    size_t n;
    size_t cap;
    int nomem;
} name_list;

static herr_t
collect_name(hid_t grp, const char *name, const H5L_info_t *info, void *data)
{
    name_list *l = data;
    (void)grp;
    (void)info;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **grown = realloc(l->name, cap * sizeof *grown);
        if (!grown) {
            l->nomem = 1;
            return -1;
        }
        l->name = grown;
        l->cap = cap;
    }
    l->name[l->n] = dp_strdup(name);
    if (!l->name[l->n]) {
        l->nomem = 1;
        return -1;
    }
    l->n++;
    return 0;
}

static dp_status
list_links(dp_ctx *ctx, hid_t grp, const char *what, char ***names, size_t *n)
{
    name_list l = {NULL, 0, 0, 0};
    hid_t gcpl = H5Gget_create_plist(grp);
    unsigned flags = 0;

    *names = NULL;
    *n = 0;
    if (gcpl < 0 || H5Pget_link_creation_order(gcpl, &flags) < 0) {
        dp_h5_close(gcpl);
        return dp_h5_error(ctx, grp, "reading the link order of %s", what);
    }
    H5Pclose(gcpl);
    H5_index_t index = (flags & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
    if (H5Literate(grp, index, H5_ITER_INC, NULL, collect_name, &l) < 0) {
        dp_h5_strs_free(l.name, l.n);
        if (l.nomem) {
            return dp_error(ctx, DP_ENOMEM, "out of memory listing %s", what);
        }
        return dp_h5_error(ctx, grp, "listing %s", what);
    }
    *names = l.name;
    *n = l.n;
    return DP_OK;
}

/* The kind of object loc/name is (H5I_GROUP, H5I_DATASET, ...); H5I_BADID on failure. */
static H5I_type_t
object_type(hid_t loc, const char *name)
{
    hid_t obj = H5Oopen(loc, name, H5P_DEFAULT);
    if (obj < 0) {
        return H5I_BADID;
    }
    H5I_type_t type = H5Iget_type(obj);
    H5Oclose(obj);
    return type;
}

/* The first schema version with the names of version 3 (see output.h). */
enum { SCHEMA_CF = 3 };

/* The name an axis has in schema 3, for an axis or dimension named name in a file of schema
 * version: older files call `budget_item` `budget`. */
static const char *
axis_name(const char *name, long version)
{
    return version < SCHEMA_CF && strcmp(name, "budget") == 0 ? "budget_item" : name;
}

/* Opens path read-only and checks that it is a dpsim results file of a schema this reader
 * knows; *version_out (when not NULL) is its schema version. */
static dp_status
open_results(dp_ctx *ctx, const char *path, hid_t *file, long *version_out)
{
    dp_status rc = DP_OK;
    char tool[32];
    char schema[32];
    char *end = NULL;
    long version = 0;

    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *file = H5I_INVALID_HID;
        return dp_error(ctx, DP_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    }
    fclose(fp);
    if (H5Fis_hdf5(path) <= 0) {
        *file = H5I_INVALID_HID;
        return dp_error(ctx, DP_EINPUT, "%s: not an HDF5 file", path);
    }
    /* The seal (seal.h): a sealed file that matches is read as it is; any other is read whole
     * in a child first, so that a file that crashes HDF5 is an error, not a crash. */
    dp_seal_state seal = DP_SEAL_NONE;
    if ((rc = dp_seal_check(ctx, path, &seal)) != DP_OK) {
        *file = H5I_INVALID_HID;
        return rc;
    }
    if (seal == DP_SEAL_CHANGED) {
        *file = H5I_INVALID_HID;
        return dp_error(ctx, DP_EINPUT,
                        "%s: changed or cut short after dpsim wrote it (its SHA-256 differs from "
                        "the seal written with it); restore a copy or rerun the scenario",
                        path);
    }
    if (seal == DP_SEAL_NONE && (rc = dp_seal_probe(ctx, path)) != DP_OK) {
        *file = H5I_INVALID_HID;
        return rc;
    }
    *file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (*file < 0) {
        char why[512];
        dp_h5_error(ctx, H5I_INVALID_HID, "HDF5 cannot open it");
        snprintf(why, sizeof why, "%s", dp_ctx_errmsg(ctx));
        return dp_error(ctx, DP_EINPUT, "%s: damaged or cut short: %s", path, why);
    }
    if ((rc = dp_h5_read_attr_str(ctx, *file, "tool", tool, sizeof tool, 1)) != DP_OK ||
        (rc = dp_h5_read_attr_str(ctx, *file, "schema_version", schema, sizeof schema, 1)) !=
            DP_OK) {
        goto out;
    }
    if (strcmp(tool, "dpsim") != 0) {
        rc = dp_error(ctx, DP_EINPUT, "%s: not a dpsim results file (no tool = \"dpsim\")", path);
        goto out;
    }
    /* Versions DP_SCHEMA_VERSION_OLDEST to DP_SCHEMA_VERSION: a whole number in that range. */
    version = strtol(schema, &end, 10);
    if (end == schema || *end != '\0' || version < DP_SCHEMA_VERSION_OLDEST ||
        version > strtol(DP_SCHEMA_VERSION, NULL, 10)) {
        rc = dp_error(ctx, DP_EINPUT, "%s: schema version '%s', this dpsim reads versions %d to %s",
                      path, schema, DP_SCHEMA_VERSION_OLDEST, DP_SCHEMA_VERSION);
        goto out;
    }
    if (version_out) {
        *version_out = version;
    }
out:
    if (rc != DP_OK) {
        *file = dp_h5_close(*file);
    }
    return rc;
}

void
dp_output_names_free(char **names, size_t n)
{
    dp_h5_strs_free(names, n);
}

dp_status
dp_output_scenarios(dp_ctx *ctx, const char *path, char ***names, size_t *n)
{
    dp_status rc = DP_OK;
    hid_t file = H5I_INVALID_HID;
    hid_t root = H5I_INVALID_HID;
    char **link = NULL;
    size_t n_link = 0;
    size_t kept = 0;

    *names = NULL;
    *n = 0;
    if ((rc = open_results(ctx, path, &file, NULL)) != DP_OK) {
        goto out;
    }
    root = H5Gopen2(file, "/", H5P_DEFAULT);
    if (root < 0) {
        rc = dp_h5_error(ctx, file, "opening the root group");
        goto out;
    }
    if ((rc = list_links(ctx, root, "the scenarios", &link, &n_link)) != DP_OK) {
        goto out;
    }
    /* Keep the groups only, in place. */
    for (size_t i = 0; i < n_link; i++) {
        H5I_type_t type = object_type(file, link[i]);
        if (type == H5I_BADID) {
            rc = dp_h5_error(ctx, file, "inspecting '%s'", link[i]);
            goto out;
        }
        if (type == H5I_GROUP) {
            char *keep = link[i];
            link[i] = NULL;
            link[kept++] = keep;
        } else {
            free(link[i]);
            link[i] = NULL;
        }
    }
    *names = link;
    *n = kept;
    link = NULL;
out:
    dp_h5_strs_free(link, n_link);
    dp_h5_close(root);
    dp_h5_close(file);
    return rc;
}

/* Reads one axis (dimension scale dataset ds named name) into res. */
static dp_status
read_axis(dp_ctx *ctx, hid_t ds, const char *name, long version, dp_results *res)
{
    dp_status rc = DP_OK;
    hid_t type = H5Dget_type(ds);
    hid_t space = H5Dget_space(ds);
    char **label = NULL;
    char **label_zh = NULL;
    size_t n_label = 0;
    size_t n_zh = 0;
    double *value = NULL;
    hssize_t n = 0;
    int has_zh = 0;

    if (type < 0 || space < 0 || (n = H5Sget_simple_extent_npoints(space)) < 0 ||
        H5Sget_simple_extent_ndims(space) != 1) {
        rc = dp_error(ctx, DP_EINPUT, "axis '%s' is not a one-dimensional dataset", name);
        goto out;
    }
    if (H5Tget_class(type) == H5T_STRING) {
        rc = dp_h5_read_strs(ctx, ds, name, 0, &label, &n_label);
    } else {
        value = malloc(((size_t)n ? (size_t)n : 1) * sizeof *value);
        if (!value) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory reading axis '%s'", name);
            goto out;
        }
        if (n > 0 && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, value) < 0) {
            rc = dp_h5_error(ctx, ds, "reading the values of axis '%s'", name);
            goto out;
        }
        rc = dp_h5_read_strs(ctx, ds, "labels", 1, &label, &n_label);
    }
    if (rc != DP_OK) {
        goto out;
    }
    if (n_label != (size_t)n) {
        rc = dp_error(ctx, DP_EINPUT, "axis '%s' has %zu labels for %zu values", name, n_label,
                      (size_t)n);
        goto out;
    }
    if ((has_zh = dp_h5_has_attr(ctx, ds, "label_zh")) < 0) {
        rc = DP_EHDF5;
        goto out;
    }
    if (has_zh) {
        if ((rc = dp_h5_read_strs(ctx, ds, "label_zh", 1, &label_zh, &n_zh)) != DP_OK) {
            goto out;
        }
        if (n_zh != n_label) {
            rc = dp_error(ctx, DP_EINPUT, "axis '%s' has %zu labels and %zu label_zh", name,
                          n_label, n_zh);
            goto out;
        }
    }
    rc = dp_results_add_axis(ctx, res, axis_name(name, version), n_label,
                             (const char *const *)label,
                             (const char *const *)label_zh, value, NULL);
out:
    dp_h5_strs_free(label, n_label);
    dp_h5_strs_free(label_zh, n_zh);
    free(value);
    dp_h5_close(space);
    dp_h5_close(type);
    return rc;
}

/* Splits a "dims" attribute ("run,year,region") in place into at most max names. */
static size_t
split_dims(char *s, char **name, size_t max)
{
    size_t n = 0;
    if (s[0] == '\0') {
        return 0;
    }
    for (char *p = s;; p++) {
        if (n < max && (p == s || p[-1] == '\0')) {
            name[n++] = p;
        }
        if (*p == ',') {
            *p = '\0';
        } else if (*p == '\0') {
            break;
        }
    }
    return n;
}

/* Reads the tables of group `group` into res: runs/ or summary/ with the leading dimension
 * `lead` ("run" or "stat", of length res->n_run), or base/ with lead NULL. */
static dp_status
read_tables(dp_ctx *ctx, hid_t scen, const char *group, const char *lead_name, long version,
            dp_results *res)
{
    /* The attributes of a table: CF names from schema 3 on. */
    int cf = version >= SCHEMA_CF;
    dp_status rc = DP_OK;
    hid_t grp = H5I_INVALID_HID;
    hid_t ds = H5I_INVALID_HID;
    hid_t space = H5I_INVALID_HID;
    char **names = NULL;
    size_t n_names = 0;
    char unit[sizeof res->table[0].unit];
    char title[sizeof res->table[0].title];
    char title_zh[sizeof res->table[0].title_zh];
    char dims_attr[DP_MAX_RANK * 40];
    char *dim_name[DP_MAX_RANK + 2];
    hsize_t dims[DP_MAX_RANK + 1];
    const char *axes[DP_MAX_RANK + 1];

    grp = H5Gopen2(scen, group, H5P_DEFAULT);
    if (grp < 0) {
        rc = dp_h5_error(ctx, scen, "opening group '%s'", group);
        goto out;
    }
    if ((rc = list_links(ctx, grp, group, &names, &n_names)) != DP_OK) {
        goto out;
    }
    for (size_t i = 0; i < n_names; i++) {
        const char *name = names[i];
        dp_table *t = NULL;
        int per_run = lead_name != NULL;
        size_t lead = (size_t)per_run;

        if (strlen(name) >= sizeof t->name) {
            rc = dp_error(ctx, DP_EINPUT, "%s/%s: table name longer than %zu bytes", group, name,
                          sizeof t->name - 1);
            goto out;
        }
        ds = H5Dopen2(grp, name, H5P_DEFAULT);
        if (ds < 0) {
            rc = dp_h5_error(ctx, grp, "opening table '%s'", name);
            goto out;
        }
        if ((rc = dp_h5_read_attr_str(ctx, ds, cf ? "units" : "unit", unit, sizeof unit, 1)) !=
                DP_OK ||
            (rc = dp_h5_read_attr_str(ctx, ds, cf ? "long_name" : "title", title, sizeof title,
                                      1)) != DP_OK ||
            (rc = dp_h5_read_attr_str(ctx, ds, cf ? "label_zh" : "title_zh", title_zh,
                                      sizeof title_zh, 1)) != DP_OK ||
            (rc = dp_h5_read_attr_str(ctx, ds, "dims", dims_attr, sizeof dims_attr, 0)) != DP_OK) {
            goto out;
        }
        size_t n_dim = split_dims(dims_attr, dim_name, DP_MAX_RANK + 2);
        space = H5Dget_space(ds);
        int ndims = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
        if (ndims < 0 || (size_t)ndims != n_dim || n_dim > DP_MAX_RANK + lead || n_dim < lead ||
            H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
            rc = dp_error(ctx, DP_EINPUT, "%s/%s: its dims attribute does not match its rank",
                          group, name);
            goto out;
        }
        if (per_run && (strcmp(dim_name[0], lead_name) != 0 || dims[0] != res->n_run)) {
            rc = dp_error(ctx, DP_EINPUT, "%s/%s: the first dimension is not %s[%zu]", group,
                          name, lead_name, res->n_run);
            goto out;
        }
        for (size_t k = lead; k < n_dim; k++) {
            const char *axis = axis_name(dim_name[k], version);
            size_t ai = dp_results_find_axis(res, axis);
            if (ai == (size_t)-1 || res->axis[ai].n != dims[k]) {
                rc = dp_error(ctx, DP_EINPUT, "%s/%s: dimension %zu ('%s') matches no axis", group,
                              name, k, dim_name[k]);
                goto out;
            }
            axes[k - lead] = axis;
        }
        axes[n_dim - lead] = NULL;
        if ((rc = dp_results_add_table(ctx, res, name, unit, title, title_zh, per_run, axes, &t)) !=
            DP_OK) {
            goto out;
        }
        hid_t ftype = H5Dget_type(ds);
        H5T_class_t cls = ftype < 0 ? H5T_NO_CLASS : H5Tget_class(ftype);
        dp_h5_close(ftype);
        if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
            rc = dp_error(ctx, DP_EINPUT, "%s/%s: expected numbers, found another type of data",
                          group, name);
            goto out;
        }
        if (t->size * (per_run ? res->n_run : 1) > 0 &&
            H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t->data) < 0) {
            rc = dp_h5_error(ctx, ds, "reading table '%s'", name);
            goto out;
        }
        space = dp_h5_close(space);
        ds = dp_h5_close(ds);
    }
out:
    dp_h5_strs_free(names, n_names);
    dp_h5_close(space);
    dp_h5_close(ds);
    dp_h5_close(grp);
    return rc;
}

/* Reads one scenario group: its axes and either the runs/ and base/ tables (summary 0) or the
 * summary/ tables with the stat axis as their leading dimension (summary 1). */
static dp_status
read_group(dp_ctx *ctx, const char *path, const char *scenario, int summary, dp_results **out)
{
    dp_status rc = DP_OK;
    hid_t file = H5I_INVALID_HID;
    hid_t scen = H5I_INVALID_HID;
    hid_t ds = H5I_INVALID_HID;
    hid_t space = H5I_INVALID_HID;
    dp_results *res = NULL;
    char **names = NULL;
    size_t n_names = 0;
    hssize_t n_run = 0;
    htri_t exists = 0;
    const char *lead = summary ? "stat" : "run";
    long version = 0;

    *out = NULL;
    if (!dp_output_valid_name(scenario)) {
        return dp_error(ctx, DP_EINPUT, "%s: '%s' is not a scenario name", path, scenario);
    }
    if ((rc = open_results(ctx, path, &file, &version)) != DP_OK) {
        goto out;
    }
    exists = H5Lexists(file, scenario, H5P_DEFAULT);
    if (exists < 0) {
        rc = dp_h5_error(ctx, file, "looking for scenario '%s'", scenario);
        goto out;
    }
    if (!exists) {
        rc = dp_error(ctx, DP_EINPUT, "%s: no scenario '%s'", path, scenario);
        goto out;
    }
    scen = H5Gopen2(file, scenario, H5P_DEFAULT);
    if (scen < 0) {
        rc = dp_h5_error(ctx, file, "opening scenario '%s'", scenario);
        goto out;
    }
    exists = H5Lexists(scen, lead, H5P_DEFAULT);
    if (exists < 0) {
        rc = dp_h5_error(ctx, scen, "looking for the %s axis of scenario '%s'", lead, scenario);
        goto out;
    }
    if (!exists) {
        rc = dp_error(ctx, DP_EINPUT, "%s: group '%s' is not a dpsim scenario (no %s axis)", path,
                      scenario, lead);
        goto out;
    }
    ds = H5Dopen2(scen, lead, H5P_DEFAULT);
    space = ds < 0 ? H5I_INVALID_HID : H5Dget_space(ds);
    if (space < 0 || (n_run = H5Sget_simple_extent_npoints(space)) < 0) {
        rc = dp_h5_error(ctx, scen, "reading the %s axis of scenario '%s'", lead, scenario);
        goto out;
    }
    space = dp_h5_close(space);
    ds = dp_h5_close(ds);
    res = dp_results_alloc((size_t)n_run);
    if (!res) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory reading scenario '%s'", scenario);
        goto out;
    }
    if ((rc = list_links(ctx, scen, scenario, &names, &n_names)) != DP_OK) {
        goto out;
    }
    /* Axes: the dimension-scale datasets of the group, except run and stat (stat is an axis
     * of the summary: it labels the leading dimension). */
    for (size_t i = 0; i < n_names; i++) {
        if (strcmp(names[i], "run") == 0 || (!summary && strcmp(names[i], "stat") == 0)) {
            continue;
        }
        H5I_type_t type = object_type(scen, names[i]);
        if (type == H5I_BADID) {
            rc = dp_h5_error(ctx, scen, "inspecting '%s'", names[i]);
            goto out;
        }
        if (type != H5I_DATASET) {
            continue;
        }
        /* A dimension scale has CLASS = "DIMENSION_SCALE". Read here, not by H5DSis_scale,
         * which in HDF5 1.10 leaves the attribute open when CLASS holds another string
         * (tests/fuzz/fuzz_results.c found it). */
        ds = H5Dopen2(scen, names[i], H5P_DEFAULT);
        if (ds < 0) {
            rc = dp_h5_error(ctx, scen, "inspecting dataset '%s'", names[i]);
            goto out;
        }
        char cls[32];
        if ((rc = dp_h5_read_attr_str(ctx, ds, "CLASS", cls, sizeof cls, 1)) != DP_OK) {
            if (rc == DP_ENOMEM) {
                goto out;
            }
            cls[0] = '\0'; /* not a string: not a scale */
            rc = DP_OK;
            dp_ctx_clear(ctx);
        }
        int is_scale = strcmp(cls, "DIMENSION_SCALE") == 0;
        if (is_scale && (rc = read_axis(ctx, ds, names[i], version, res)) != DP_OK) {
            goto out;
        }
        ds = dp_h5_close(ds);
    }
    if (summary) {
        if ((rc = read_tables(ctx, scen, "summary", "stat", version, res)) != DP_OK) {
            goto out;
        }
    } else if ((rc = read_tables(ctx, scen, "runs", "run", version, res)) != DP_OK ||
               (rc = read_tables(ctx, scen, "base", NULL, version, res)) != DP_OK) {
        goto out;
    }
    *out = res;
    res = NULL;
out:
    if (rc != DP_OK && !strstr(dp_ctx_errmsg(ctx), path)) {
        /* Name the file in messages of helpers that did not know it. */
        char msg[768];
        snprintf(msg, sizeof msg, "%s", dp_ctx_errmsg(ctx));
        dp_error(ctx, rc, "%s: %s: %s", path, scenario, msg);
    }
    dp_results_free(res);
    dp_h5_strs_free(names, n_names);
    dp_h5_close(space);
    dp_h5_close(ds);
    dp_h5_close(scen);
    dp_h5_close(file);
    return rc;
}

dp_status
dp_output_read(dp_ctx *ctx, const char *path, const char *scenario, dp_results **out)
{
    return read_group(ctx, path, scenario, 0, out);
}

dp_status
dp_output_read_summary(dp_ctx *ctx, const char *path, const char *scenario, dp_results **out)
{
    return read_group(ctx, path, scenario, 1, out);
}

/* ------------------------------------------------------------------------------------------ */
/* Reader: provenance */

void
dp_output_info_free(dp_output_info *info)
{
    if (!info) {
        return;
    }
    free(info->version);
    free(info->schema_version);
    free(info->created_utc);
    free(info->command_line);
    free(info->title);
    free(info->engine);
    free(info->rng);
    free(info->regions);
    free(info->scenario_yaml);
    free(info->scenario_sha256);
    dp_h5_strs_free(info->input_path, info->n_input);
    dp_h5_strs_free(info->input_sha256, info->n_input);
    free(info);
}

/* Reads one string: the scalar string attribute `name` of obj (is_attr nonzero) or the scalar
 * string dataset obj (is_attr zero), of any length, into a new *out. A missing attribute is
 * DP_EINPUT, named with `what`. */
static dp_status
read_one_str(dp_ctx *ctx, hid_t obj, const char *name, int is_attr, const char *what, char **out)
{
    dp_status rc = DP_OK;
    char **s = NULL;
    size_t n = 0;

    *out = NULL;
    if (is_attr) {
        int has = dp_h5_has_attr(ctx, obj, name);
        if (has < 0) {
            return DP_EHDF5;
        }
        if (!has) {
            return dp_error(ctx, DP_EINPUT, "%s: attribute '%s' is missing", what, name);
        }
    }
    if ((rc = dp_h5_read_strs(ctx, obj, name, is_attr, &s, &n)) != DP_OK) {
        return rc;
    }
    if (n != 1) {
        rc = dp_error(ctx, DP_EINPUT, "%s: '%s' holds %zu strings, expected one", what, name, n);
    } else {
        *out = s[0];
        s[0] = NULL;
    }
    dp_h5_strs_free(s, n);
    return rc;
}

/* Reads the scalar integer attribute `name` of obj as an unsigned 64-bit number. */
static dp_status
read_attr_u64(dp_ctx *ctx, hid_t obj, const char *name, const char *what, uint64_t *out)
{
    dp_status rc = DP_OK;
    hid_t attr = H5I_INVALID_HID;
    hid_t type = H5I_INVALID_HID;
    int has = dp_h5_has_attr(ctx, obj, name);
    unsigned long long v = 0;

    *out = 0;
    if (has < 0) {
        return DP_EHDF5;
    }
    if (!has) {
        return dp_error(ctx, DP_EINPUT, "%s: attribute '%s' is missing", what, name);
    }
    attr = H5Aopen(obj, name, H5P_DEFAULT);
    type = attr < 0 ? H5I_INVALID_HID : H5Aget_type(attr);
    if (type < 0) {
        rc = dp_h5_error(ctx, obj, "opening attribute '%s'", name);
        goto out;
    }
    if (H5Tget_class(type) != H5T_INTEGER) {
        rc = dp_error(ctx, DP_EINPUT, "%s: attribute '%s' is not an integer", what, name);
        goto out;
    }
    if (H5Aread(attr, H5T_NATIVE_ULLONG, &v) < 0) {
        rc = dp_h5_error(ctx, obj, "reading attribute '%s'", name);
        goto out;
    }
    *out = (uint64_t)v;
out:
    dp_h5_close(type);
    dp_h5_close(attr);
    return rc;
}

dp_status
dp_output_read_info(dp_ctx *ctx, const char *path, const char *scenario, dp_output_info **out)
{
    dp_status rc = DP_OK;
    hid_t file = H5I_INVALID_HID;
    hid_t scen = H5I_INVALID_HID;
    hid_t yaml = H5I_INVALID_HID;
    hid_t ds = H5I_INVALID_HID;
    dp_output_info *info = NULL;
    char **sha = NULL;
    size_t n_sha = 0;
    uint64_t runs = 0;
    htri_t exists = 0;

    *out = NULL;
    if (!dp_output_valid_name(scenario)) {
        return dp_error(ctx, DP_EINPUT, "%s: '%s' is not a scenario name", path, scenario);
    }
    if ((rc = open_results(ctx, path, &file, NULL)) != DP_OK) {
        goto out;
    }
    exists = H5Lexists(file, scenario, H5P_DEFAULT);
    if (exists <= 0) {
        rc = exists < 0 ? dp_h5_error(ctx, file, "looking for scenario '%s'", scenario)
                        : dp_error(ctx, DP_EINPUT, "%s: no scenario '%s'", path, scenario);
        goto out;
    }
    info = calloc(1, sizeof *info);
    scen = H5Gopen2(file, scenario, H5P_DEFAULT);
    if (!info) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory reading the provenance of '%s'", scenario);
        goto out;
    }
    if (scen < 0) {
        rc = dp_h5_error(ctx, file, "opening scenario '%s'", scenario);
        goto out;
    }
    if ((rc = read_one_str(ctx, file, "version", 1, path, &info->version)) != DP_OK ||
        (rc = read_one_str(ctx, file, "schema_version", 1, path, &info->schema_version)) !=
            DP_OK ||
        (rc = read_one_str(ctx, file, "created_utc", 1, path, &info->created_utc)) != DP_OK ||
        (rc = read_one_str(ctx, file, "command_line", 1, path, &info->command_line)) != DP_OK ||
        (rc = read_one_str(ctx, scen, "title", 1, scenario, &info->title)) != DP_OK ||
        (rc = read_one_str(ctx, scen, "engine", 1, scenario, &info->engine)) != DP_OK ||
        (rc = read_one_str(ctx, scen, "rng", 1, scenario, &info->rng)) != DP_OK ||
        (rc = read_one_str(ctx, scen, "regions", 1, scenario, &info->regions)) != DP_OK ||
        (rc = read_attr_u64(ctx, scen, "runs", scenario, &runs)) != DP_OK ||
        (rc = read_attr_u64(ctx, scen, "seed", scenario, &info->seed)) != DP_OK) {
        goto out;
    }
    info->runs = (size_t)runs;
    yaml = H5Dopen2(scen, "scenario_yaml", H5P_DEFAULT);
    if (yaml < 0) {
        rc = dp_error(ctx, DP_EINPUT, "%s: scenario_yaml is missing", scenario);
        goto out;
    }
    if ((rc = read_one_str(ctx, yaml, "scenario_yaml", 0, scenario, &info->scenario_yaml)) !=
            DP_OK ||
        (rc = read_one_str(ctx, yaml, "sha256", 1, "scenario_yaml", &info->scenario_sha256)) !=
            DP_OK) {
        goto out;
    }
    ds = H5Dopen2(scen, "inputs/path", H5P_DEFAULT);
    if (ds < 0) {
        rc = dp_error(ctx, DP_EINPUT, "%s: inputs/path is missing", scenario);
        goto out;
    }
    if ((rc = dp_h5_read_strs(ctx, ds, "inputs/path", 0, &info->input_path, &info->n_input)) !=
        DP_OK) {
        goto out;
    }
    ds = dp_h5_close(ds);
    ds = H5Dopen2(scen, "inputs/sha256", H5P_DEFAULT);
    if (ds < 0) {
        rc = dp_error(ctx, DP_EINPUT, "%s: inputs/sha256 is missing", scenario);
        goto out;
    }
    if ((rc = dp_h5_read_strs(ctx, ds, "inputs/sha256", 0, &sha, &n_sha)) != DP_OK) {
        goto out;
    }
    if (n_sha != info->n_input) {
        rc = dp_error(ctx, DP_EINPUT, "%s: %zu input paths but %zu digests", scenario,
                      info->n_input, n_sha);
        goto out;
    }
    info->input_sha256 = sha;
    sha = NULL;
    *out = info;
    info = NULL;
out:
    if (rc != DP_OK && !strstr(dp_ctx_errmsg(ctx), path)) {
        /* Name the file in messages of helpers that did not know it. */
        char msg[768];
        snprintf(msg, sizeof msg, "%s", dp_ctx_errmsg(ctx));
        dp_error(ctx, rc, "%s: %s", path, msg);
    }
    dp_h5_strs_free(sha, n_sha);
    dp_output_info_free(info);
    dp_h5_close(ds);
    dp_h5_close(yaml);
    dp_h5_close(scen);
    dp_h5_close(file);
    return rc;
}
