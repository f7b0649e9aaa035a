/* tests/schema/write_sample.c
 *
 * Writes a small, fixed results file through the writer's internal entry point
 * (dp_output_write_group, model/output/output_impl.h), for tests/schema/schema.sh: its structure
 * (`h5dump -H`) is compared with tests/schema/expected.ddl and read by check_h5py.py. It uses
 * no scenario file and no model, so the schema test depends on the writer only.
 *
 * Usage: write_sample OUT.h5
 * Content: two scenarios (baseline, reform), 3 runs; axes year 2021..2023, region (two, with
 * Chinese labels), sex; runs tables population [year, region, sex] (persons) and spending
 * [year, region] (yuan); base table take_up [region] (share). Values are arbitrary.
 */
#include <stdio.h>
#include <stdlib.h>

#include <hdf5.h>

#include "core/dims.h"
#include "output/output.h"
#include "core/results.h"
#include "output/output_impl.h"

static const char *const input_path[] = {"scenarios/sample.yaml", "data/regions/daan.yaml"};
static const char *const input_sha[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "1111111111111111111111111111111111111111111111111111111111111111"};
static const char extra_path[1][256] = {"data/reference/lifetable.csv"};
static const char extra_sha[1][65] = {
    "2222222222222222222222222222222222222222222222222222222222222222"};

static dp_status
build(dp_ctx *ctx, dp_results *res)
{
    static const char *const year_label[] = {"2021", "2022", "2023"};
    static const double year_value[] = {2021, 2022, 2023};
    static const char *const region_label[] = {"daan", "huzhong"};
    static const char *const region_zh[] = {"大安区", "呼中区"};
    static const char *const pop_axes[] = {"year", "region", "sex", NULL};
    static const char *const spend_axes[] = {"year", "region", NULL};
    static const char *const take_axes[] = {"region", NULL};
    dp_table *pop = NULL;
    dp_table *spend = NULL;
    dp_table *take = NULL;
    dp_status rc = DP_OK;

    if ((rc = dp_results_add_axis(ctx, res, "year", 3, year_label, NULL, year_value, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "region", 2, region_label, region_zh, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "sex", DP_N_SEX, dp_sex_label, dp_sex_label_zh, NULL,
                                  NULL)) ||
        (rc = dp_results_add_table(ctx, res, "population", "persons", "General population",
                                   "户籍人口", 1, pop_axes, &pop)) ||
        (rc = dp_results_add_table(ctx, res, "spending", "yuan", "Programme spending", "项目支出",
                                   1, spend_axes, &spend)) ||
        (rc = dp_results_add_table(ctx, res, "take_up", "share", "Calibrated take-up", "领取率", 0,
                                   take_axes, &take))) {
        return rc;
    }
    for (size_t run = 0; run < res->n_run; run++) {
        double *p = dp_table_run(pop, run);
        double *s = dp_table_run(spend, run);
        for (size_t i = 0; i < pop->size; i++) {
            p[i] = 1000.0 + 10.0 * (double)i + (double)run;
        }
        for (size_t i = 0; i < spend->size; i++) {
            s[i] = 2.5e6 + 1.0e4 * (double)i - 500.0 * (double)run;
        }
    }
    take->data[0] = 0.6;
    take->data[1] = 0.8;
    return DP_OK;
}

int
main(int argc, char **argv)
{
    dp_ctx *ctx = dp_ctx_alloc();
    dp_results *res = dp_results_alloc(3);
    dp_output *o = NULL;
    dp_run_info info = {"cohort", 3, 12345UL, "philox4x32-10"};
    dp_output_meta meta = {"baseline", "Sample baseline", "dpsim: 1\nname: baseline\n",
                           2,          input_path,        input_sha, 0, NULL};
    dp_output_meta reform = {"reform", "示例改革", "dpsim: 1\nname: reform\n",
                             2,        input_path, input_sha, 0, NULL};
    dp_status rc = DP_OK;

    if (argc != 2) {
        fprintf(stderr, "usage: write_sample OUT.h5\n");
        return 2;
    }
    if (!ctx || !res) {
        fprintf(stderr, "write_sample: out of memory\n");
        return 1;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if ((rc = build(ctx, res)) != DP_OK ||
        (rc = dp_output_open(ctx, argv[1], "write_sample OUT.h5", &o)) != DP_OK ||
        (rc = dp_output_write_group(ctx, o, &meta, res, &info, 1, extra_path, extra_sha)) !=
            DP_OK ||
        (rc = dp_output_write_group(ctx, o, &reform, res, &info, 0, NULL, NULL)) != DP_OK) {
        fprintf(stderr, "write_sample: %s\n", dp_ctx_errmsg(ctx));
        dp_output_abort(o);
        o = NULL;
    }
    if (o && (rc = dp_output_close(ctx, o)) != DP_OK) {
        fprintf(stderr, "write_sample: %s\n", dp_ctx_errmsg(ctx));
    }
    dp_results_free(res);
    dp_ctx_free(ctx);
    return rc == DP_OK ? 0 : 1;
}
