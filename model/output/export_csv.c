/* model/output/export_csv.c
 *
 * The CSV writer of an export (docs/export.md): <DIR>/<scenario>/<table>.csv, UTF-8 with a
 * byte-order mark, CRLF line ends, RFC 4180 quoting, numbers in the stored unit written with
 * the fewest digits that read back to the same double; yuan tables get extra statistic
 * columns in 10,000 yuan (万元). Each scenario folder also gets provenance.csv and
 * scenario.yaml (the resolved scenario text, byte for byte).
 *
 * Invariants: every file is written as ".<name>.tmp.<pid>" in its folder and renamed into
 * place only by commit, when every output of the export is complete; discard removes every
 * temporary file and every folder this writer created.
 */
#include "output/export_impl.h"
#include "core/outpath.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------------------ */
/* CSV output: temporary files renamed into place at the end */

typedef struct {
    char *final; /**< DIR/<scenario>/<name> */
    char *tmp;   /**< DIR/<scenario>/.<name>.tmp.<pid> */
} pending;

typedef struct {
    dp_export_writer w; /**< first: the writer interface */
    char *dir;       /**< the folder (copy) */
    pending *file;   /**< written, not yet renamed */
    size_t n_file;
    char **made_dir; /**< folders this command created, in order */
    size_t n_made;
    int committed; /**< the files have been renamed into place */
} csv_out;

/* Creates folder path and any missing parents, like mkdir -p, recording each folder made
 * (parents first) so that a failed export removes them again. */
static dp_status
ensure_dir(dp_ctx *ctx, csv_out *o, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            return dp_error(ctx, DP_EINPUT, "%s: exists and is not a folder", path);
        }
        return DP_OK;
    }
    if (errno == ENOENT) {
        /* The parent: path up to its last '/' (trailing slashes ignored); none for "a". */
        size_t len = strlen(path);
        while (len > 1 && path[len - 1] == '/') {
            len--;
        }
        while (len > 0 && path[len - 1] != '/') {
            len--;
        }
        while (len > 1 && path[len - 1] == '/') {
            len--;
        }
        if (len > 0 && !(len == 1 && path[0] == '/')) {
            char *parent = malloc(len + 1);
            if (!parent) {
                return dp_error(ctx, DP_ENOMEM, "out of memory");
            }
            memcpy(parent, path, len);
            parent[len] = '\0';
            dp_status rc = ensure_dir(ctx, o, parent);
            free(parent);
            if (rc != DP_OK) {
                return rc;
            }
        }
    }
    if (mkdir(path, 0777) != 0) {
        return dp_error(ctx, DP_EINPUT, "%s: cannot create the folder: %s", path, strerror(errno));
    }
    char **grown = realloc(o->made_dir, (o->n_made + 1) * sizeof *grown);
    char *copy = malloc(strlen(path) + 1);
    if (grown) {
        o->made_dir = grown;
    }
    if (!grown || !copy) {
        free(copy);
        rmdir(path);
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    strcpy(copy, path);
    o->made_dir[o->n_made++] = copy;
    return DP_OK;
}

/* Opens DIR/<scenario>/<name> for writing under its temporary name; bom: start with the UTF-8
 * byte-order mark, so that Excel reads the file as UTF-8 (Chinese labels). */
static dp_status
csv_open(dp_ctx *ctx, csv_out *o, const char *scenario, const char *name, int bom, FILE **out)
{
    dp_status rc = DP_OK;
    size_t n = strlen(o->dir) + strlen(scenario) + strlen(name) + 64;
    char *folder = malloc(n);
    char *final = malloc(n);
    char *tmp = malloc(n);
    pending *grown = NULL;
    int fd = -1;
    const char *why = "";

    *out = NULL;
    if (!folder || !final || !tmp) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
    snprintf(folder, n, "%s/%s", o->dir, scenario);
    snprintf(final, n, "%s/%s", folder, name);
    snprintf(tmp, n, "%s/.%s.tmp.%ld", folder, name, (long)getpid());
    if ((rc = ensure_dir(ctx, o, o->dir)) != DP_OK || (rc = ensure_dir(ctx, o, folder)) != DP_OK) {
        goto out;
    }
    /* Never renamed over a link, folder, FIFO or device (core/outpath.h). */
    if (!dp_outpath_replaceable(final, &why)) {
        rc = dp_error(ctx, DP_EINPUT, "the CSV file '%s' exists and is %s, not a regular file; "
                      "nothing was written", final, why);
        goto out;
    }
    dp_outpath_clean_stale(final); /* temporaries of killed earlier exports to this name */
    grown = realloc(o->file, (o->n_file + 1) * sizeof *grown);
    if (!grown) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
    o->file = grown;
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) {
        rc = dp_error(ctx, DP_EINPUT, "%s: cannot create: %s", tmp, strerror(errno));
        goto out;
    }
    *out = fdopen(fd, "wb");
    if (!*out) {
        rc = dp_error(ctx, DP_EIO, "%s: cannot open: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    o->file[o->n_file].final = final;
    o->file[o->n_file].tmp = tmp;
    o->n_file++;
    final = NULL;
    tmp = NULL;
    if (bom) {
        fputs("\xef\xbb\xbf", *out);
    }
out:
    free(folder);
    free(final);
    free(tmp);
    return rc;
}

/* Flushes and closes f (the last file csv_open gave), checking for write errors. */
static dp_status
csv_close(dp_ctx *ctx, csv_out *o, FILE *f)
{
    const char *tmp = o->file[o->n_file - 1].tmp;
    int err = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int saved = errno;
    if (fclose(f) != 0 && !err) {
        err = 1;
        saved = errno;
    }
    if (err && (saved == ENOSPC || saved == EDQUOT)) {
        return dp_error(ctx, DP_EIO,
                        "%s: the file system is full (no space left on device); the partial "
                        "files are removed and existing files of the requested names are "
                        "untouched: free some space or write elsewhere",
                        tmp);
    }
    if (err) {
        return dp_error(ctx, DP_EIO, "%s: write failed: %s", tmp, strerror(saved));
    }
    return DP_OK;
}

/* Removes every temporary file and every folder created (newest first). */
static void
csv_discard(dp_export_writer *w)
{
    csv_out *o = (csv_out *)w;
    if (o->committed) {
        return;
    }
    for (size_t i = 0; i < o->n_file; i++) {
        unlink(o->file[i].tmp);
    }
    for (size_t i = o->n_made; i-- > 0;) {
        rmdir(o->made_dir[i]);
    }
}

/* Renames every temporary file to its final name. */
static dp_status
csv_commit(dp_ctx *ctx, dp_export_writer *w)
{
    csv_out *o = (csv_out *)w;
    /* A failure here leaves the files renamed so far in place (each one complete). */
    o->committed = 1;
    for (size_t i = 0; i < o->n_file; i++) {
        if (rename(o->file[i].tmp, o->file[i].final) != 0) {
            return dp_error(ctx, DP_EIO, "cannot rename '%s' to '%s': %s", o->file[i].tmp,
                            o->file[i].final, strerror(errno));
        }
    }
    return DP_OK;
}

static void
csv_free(dp_export_writer *w)
{
    csv_out *o = (csv_out *)w;
    for (size_t i = 0; i < o->n_file; i++) {
        free(o->file[i].final);
        free(o->file[i].tmp);
    }
    for (size_t i = 0; i < o->n_made; i++) {
        free(o->made_dir[i]);
    }
    free(o->file);
    free(o->made_dir);
    free(o->dir);
    free(o);
}

/* Formats v with the fewest significant digits (15 to 17) that read back as the same double;
 * "" for NaN and infinities (an empty cell). */
static void
fmt_double(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        buf[0] = '\0';
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) {
            return;
        }
    }
}

/* Writes one field, quoted as RFC 4180 asks when it holds a comma, quote, CR or LF. */
static void
csv_field(FILE *f, const char *s, int first)
{
    if (!first) {
        fputc(',', f);
    }
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') {
            fputc('"', f);
        }
        fputc(*s, f);
    }
    fputc('"', f);
}

static dp_status
csv_table(dp_ctx *ctx, dp_export_writer *w, const char *scenario, int one_scenario,
          const dp_export_table *src)
{
    csv_out *o = (csv_out *)w;
    dp_status rc = DP_OK;
    const dp_table *t = src->t;
    dp_export_column *col = NULL;
    size_t n_col = 0;
    FILE *f = NULL;
    char name[64];
    char num[40];
    size_t idx[DP_MAX_RANK];

    snprintf(name, sizeof name, "%s.csv", t->name);
    (void)one_scenario;
    if ((rc = dp_export_columns(ctx, src, DP_EXPORT_CSV, &col, &n_col)) != DP_OK ||
        (rc = csv_open(ctx, o, scenario, name, 1, &f)) != DP_OK) {
        goto out;
    }
    for (size_t c = 0; c < n_col; c++) {
        csv_field(f, col[c].head, c == 0);
    }
    fputs("\r\n", f);
    for (size_t c = 0; c < n_col; c++) {
        csv_field(f, col[c].unit, c == 0);
    }
    fputs("\r\n", f);
    for (size_t i = 0; i < t->size; i++) {
        dp_export_element_index(src->res, t, i, idx);
        for (size_t c = 0; c < n_col; c++) {
            const dp_export_column *cc = &col[c];
            if (cc->kind == DP_COL_AXIS || cc->kind == DP_COL_AXIS_ZH) {
                const dp_axis *a = &src->res->axis[t->axis[cc->k]];
                size_t j = idx[cc->k];
                csv_field(f, cc->kind == DP_COL_AXIS ? a->label[j] : a->label_zh[j], c == 0);
            } else {
                fmt_double(dp_export_cell(src, cc, i), num, sizeof num);
                csv_field(f, num, c == 0);
            }
        }
        fputs("\r\n", f);
    }
    rc = csv_close(ctx, o, f);
out:
    free(col);
    return rc;
}

/* provenance.csv and scenario.yaml of one scenario folder. */
static dp_status
csv_provenance(dp_ctx *ctx, dp_export_writer *w, const dp_export_prov *p, size_t s)
{
    csv_out *o = (csv_out *)w;
    const char *scenario = p->scen[s];
    const dp_output_info *info = p->info[s];
    dp_status rc = DP_OK;
    size_t max = 32 + info->n_input;
    dp_export_prov_row *row = calloc(max, sizeof *row);
    FILE *f = NULL;
    size_t n = 0;

    if (!row) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    n = dp_export_prov_file(p, info, row, max);
    n += dp_export_prov_scenario(scenario, info, row + n, max - n);
    if ((rc = csv_open(ctx, o, scenario, "provenance.csv", 1, &f)) != DP_OK) {
        goto out;
    }
    csv_field(f, "item / 项目", 1);
    csv_field(f, "value / 内容", 0);
    csv_field(f, "sha256", 0);
    fputs("\r\n", f);
    for (size_t i = 0; i < n; i++) {
        csv_field(f, row[i].item, 1);
        csv_field(f, row[i].text ? row[i].text : row[i].value, 0);
        csv_field(f, row[i].sha256 ? row[i].sha256 : "", 0);
        fputs("\r\n", f);
    }
    if ((rc = csv_close(ctx, o, f)) != DP_OK) {
        goto out;
    }
    /* The resolved scenario exactly as stored (its SHA-256 is scenario_sha256): no BOM, no
     * line-end conversion. */
    if ((rc = csv_open(ctx, o, scenario, "scenario.yaml", 0, &f)) != DP_OK) {
        goto out;
    }
    fputs(info->scenario_yaml, f);
    rc = csv_close(ctx, o, f);
out:
    free(row);
    return rc;
}

dp_status
dp_export_csv_open(dp_ctx *ctx, const char *dir, dp_export_writer **out)
{
    csv_out *o = calloc(1, sizeof *o);
    *out = NULL;
    if (o) {
        o->dir = malloc(strlen(dir) + 1);
    }
    if (!o || !o->dir) {
        free(o);
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    strcpy(o->dir, dir);
    o->w = (dp_export_writer){csv_table, csv_provenance, NULL, csv_commit, csv_discard, csv_free};
    *out = &o->w;
    return DP_OK;
}
