/* tests/unit/test_hierarchy.c
 *
 * The region hierarchy (model/input/hierarchy.c) and the roll-ups (model/engines/rollup.c):
 *   - data/regions/hierarchy.yaml parses into the tree written in it (ids, levels, codes and
 *     parents compared with the file by hand);
 *   - bad hierarchy files give the expected message at the line and column counted by hand;
 *   - LEVEL:NODE selections expand to the leaves with region files, in hierarchy order; an
 *     unknown node is an error with a suggestion; a region file's parent/code is checked;
 *   - a micro run of two regions in two provinces (process noise independent between regions):
 *     every roll-up table T_node equals, run by run and element by element, the sum over the
 *     node's regions of T computed here; the 90% interval of the nation's total differs from
 *     the sum of the regions' intervals (and is narrower, as independent noise partly cancels);
 *     the --region view of a node is its roll-up slice; a target on a node is evaluated on the
 *     sum of its regions.
 * Run from the repository root.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "analysis/targets.h"
#include "core/stats.h"
#include "domain/model.h"
#include "dp_test.h"
#include "engines/engines.h"
#include "engines/rollup.h"
#include "input/hierarchy.h"
#include "input/reference.h"
#include "input/scenario.h"

#define HIER "data/regions/hierarchy.yaml"

typedef struct {
    dp_ctx *ctx;
    char dir[64];
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->ctx = dp_ctx_alloc())) {
        return -1;
    }
    snprintf(f->dir, sizeof f->dir, "/tmp/dp_test_hier.XXXXXX");
    if (!mkdtemp(f->dir)) {
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "could not remove %s\n", f->dir);
    }
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

static void
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void
test_parse_seed_hierarchy(void **state)
{
    fixture *f = *state;
    dp_hierarchy *h = NULL;
    assert_int_equal(dp_hierarchy_load(f->ctx, HIER, &h), DP_OK);
    /* 13 nodes in the file: the nation, 4 provinces, 4 prefectures (Ningbo a leaf), 4 counties. */
    assert_int_equal(h->n, 13);
    static const struct {
        const char *id, *code, *parent;
        dp_adm_level level;
    } want[] = {
        {"china", "100000", NULL, DP_ADM_NATION},
        {"daan", "220882", "baicheng", DP_ADM_COUNTY},
        {"baicheng", "220800", "jilin", DP_ADM_PREFECTURE},
        {"jilin", "220000", "china", DP_ADM_PROVINCE},
        {"huzhong", "232704", "daxinganling", DP_ADM_COUNTY},
        {"daxinganling", "232700", "heilongjiang", DP_ADM_PREFECTURE},
        {"hulan", "230111", "harbin", DP_ADM_COUNTY},
        {"harbin", "230100", "heilongjiang", DP_ADM_PREFECTURE},
        {"heilongjiang", "230000", "china", DP_ADM_PROVINCE},
        {"pudong", "310115", "shanghai", DP_ADM_COUNTY},
        {"shanghai", "310000", "china", DP_ADM_PROVINCE},
        {"ningbo", "330200", "zhejiang", DP_ADM_PREFECTURE},
        {"zhejiang", "330000", "china", DP_ADM_PROVINCE},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t k = dp_hierarchy_find(h, want[i].id);
        assert_int_not_equal(k, DP_HNONE);
        assert_string_equal(h->node[k].code, want[i].code);
        assert_int_equal(h->node[k].level, want[i].level);
        if (want[i].parent) {
            assert_string_equal(h->node[h->node[k].parent].id, want[i].parent);
        } else {
            assert_int_equal(h->node[k].parent, DP_HNONE);
        }
    }
    size_t daan = dp_hierarchy_find(h, "daan"), jilin = dp_hierarchy_find(h, "jilin");
    assert_true(dp_hierarchy_under(h, daan, jilin));
    assert_false(dp_hierarchy_under(h, jilin, daan));
    assert_false(dp_hierarchy_under(h, dp_hierarchy_find(h, "hulan"), jilin));
    assert_string_equal(h->node[jilin].name_zh, "吉林省");
    dp_hierarchy_free(h);
}

static void
test_bad_hierarchies(void **state)
{
    fixture *f = *state;
    static const char head[] = "dpsim_hierarchy: 1\nnodes:\n"
                               "  - {id: china, level: nation, code: \"100000\", name_en: C, "
                               "name_zh: 中国}\n";
    /* Each body follows the head (so its first line is line 4); positions counted by hand. */
    static const struct {
        const char *body, *msg;
    } bad[] = {
        {"  - {id: jilin, level: province, code: \"22000\", parent: china, name_en: J, name_zh: "
         "吉}\n",
         ":4:40: nodes[1].code: expected a six-digit administrative code (GB/T 2260), got "
         "'22000'"},
        {"  - {id: china, level: province, code: \"220000\", parent: china, name_en: J, "
         "name_zh: 吉}\n",
         ":4:10: nodes[1].id: node 'china' is defined twice"},
        {"  - {id: jilin, level: province, code: \"220000\", parent: chna, name_en: J, name_zh: "
         "吉}\n",
         ":4:58: nodes[1].parent: expected the id of a node defined above this one, got 'chna'"},
        {"  - {id: jilin, level: provnce, code: \"220000\", parent: china, name_en: J, name_zh: "
         "吉}\n",
         ":4:24: nodes[1].level: expected one of nation, province, prefecture, county, got "
         "'provnce'"},
        {"  - {id: jilin, level: province, code: \"220000\", parent: china, name_en: J, name_zh: "
         "吉}\n"
         "  - {id: daan, level: county, code: \"230882\", parent: jilin, name_en: D, name_zh: "
         "大}\n",
         ":5:55: nodes[2].parent: code 230882 of 'daan' does not start with 22, the code of its "
         "parent 'jilin' (220000)"},
        {"  - {id: jilin, level: county, code: \"220000\", parent: china, name_en: J, name_zh: "
         "吉}\n"
         "  - {id: baicheng, level: prefecture, code: \"220800\", parent: jilin, name_en: B, "
         "name_zh: 白}\n",
         ":5:63: nodes[2].parent: a prefecture cannot lie under 'jilin', a county"},
        {"  - {id: jilin, level: province, code: \"100000\", parent: china, name_en: J, name_zh: "
         "吉}\n",
         ":4:40: nodes[1].code: code 100000 is also the code of 'china'"},
        {"  - {id: jilin, level: province, code: \"220000\", parnt: china, name_en: J, name_zh: "
         "吉}\n",
         ":4:50: unknown key 'nodes[1].parnt' (did you mean 'parent'?)"},
    };
    char path[128], text[1024];
    snprintf(path, sizeof path, "%s/hierarchy.yaml", f->dir);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dp_hierarchy *h = NULL;
        snprintf(text, sizeof text, "%s%s", head, bad[i].body);
        write_file(path, text);
        assert_int_equal(dp_hierarchy_load(f->ctx, path, &h), DP_EINPUT);
        assert_null(h);
        char want[512];
        snprintf(want, sizeof want, "%s%s", path, bad[i].msg);
        if (strcmp(dp_ctx_errmsg(f->ctx), want) != 0) {
            fail_msg("case %zu:\n  got  %s\n  want %s", i, dp_ctx_errmsg(f->ctx), want);
        }
    }
}

static void
test_selection(void **state)
{
    fixture *f = *state;
    dp_hierarchy *h = NULL;
    dp_ynode *root = NULL;
    char path[128];
    size_t k;
    assert_int_equal(dp_hierarchy_load(f->ctx, HIER, &h), DP_OK);
    dp_ynode *at = dp_ynode_scalar("x.yaml", 3, 12, "");
    assert_int_equal(dp_hierarchy_select(f->ctx, h, at, "regions[0]", "province:jilin", &k), DP_OK);
    assert_string_equal(h->node[k].id, "jilin");
    assert_int_equal(dp_hierarchy_select(f->ctx, h, at, "regions[0]", "province:jilinn", &k),
                     DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "x.yaml:3:12: regions[0]: no province 'jilinn'"));
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "(did you mean 'province:jilin'?)"));
    assert_int_equal(dp_hierarchy_select(f->ctx, h, at, "regions[0]", "prefecture:jilin", &k),
                     DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "'jilin' is a province"));
    assert_int_equal(dp_hierarchy_select(f->ctx, h, at, "regions[0]", "state:jilin", &k),
                     DP_EINPUT);
    dp_ynode_free(at);

    /* Expansion: heilongjiang's leaves in file order (hulan, huzhong), then pudong; a leaf named
     * by hand and also by a node stays once, where it was named. */
    snprintf(path, sizeof path, "%s/list.yaml", f->dir);
    write_file(path, "regions: [province:heilongjiang, pudong, huzhong, nation:china]\n");
    assert_int_equal(dp_ytree_load(f->ctx, path, &root, NULL), DP_OK);
    dp_ynode *list = dp_ymap_get(root, "regions");
    assert_int_equal(dp_hierarchy_expand(f->ctx, h, "data/regions", list, "regions"), DP_OK);
    static const char *const want[] = {"hulan", "pudong", "huzhong", "daan", "ningbo"};
    assert_int_equal(list->n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(list->val[i]->text, want[i]);
    }
    dp_ynode_free(root);

    /* A selection whose leaves are all listed already adds nothing and is no error; a node
     * without any region file under it is one. */
    write_file(path, "regions: [prefecture:ningbo, province:zhejiang, huzhong, "
                     "prefecture:daxinganling]\n");
    assert_int_equal(dp_ytree_load(f->ctx, path, &root, NULL), DP_OK);
    list = dp_ymap_get(root, "regions");
    assert_int_equal(dp_hierarchy_expand(f->ctx, h, "data/regions", list, "regions"), DP_OK);
    assert_int_equal(list->n, 2);
    assert_string_equal(list->val[0]->text, "ningbo");
    assert_string_equal(list->val[1]->text, "huzhong");
    dp_ynode_free(root);
    write_file(path, "regions: [province:jilin]\n");
    assert_int_equal(dp_ytree_load(f->ctx, path, &root, NULL), DP_OK);
    list = dp_ymap_get(root, "regions");
    assert_int_equal(dp_hierarchy_expand(f->ctx, h, f->dir, list, "regions"), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), ":1:11: regions[0]: province 'jilin' has no "
                                                  "region file under it in"));
    dp_ynode_free(root);

    /* Without a hierarchy file a selection is an error that says so. */
    write_file(path, "regions: [daan, province:jilin]\n");
    assert_int_equal(dp_ytree_load(f->ctx, path, &root, NULL), DP_OK);
    list = dp_ymap_get(root, "regions");
    assert_int_equal(dp_hierarchy_expand(f->ctx, NULL, "data/regions", list, "regions"), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), ":1:17: regions[1]: 'province:jilin' selects a "
                                                  "node of the region hierarchy, but there is no "
                                                  "hierarchy file"));
    assert_int_equal(list->n, 2); /* untouched */
    assert_string_equal(list->val[1]->text, "province:jilin");
    dp_ynode_free(root);

    /* A region under another region of the run is refused by the roll-up span. */
    const char *leaves[2] = {"huzhong", "daxinganling"};
    size_t nodes[2 * DP_N_ADM], anc[2 * DP_N_ADM], n_nodes;
    assert_int_equal(dp_hierarchy_span(f->ctx, h, leaves, 2, nodes, &n_nodes, anc), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "region 'huzhong' lies under region "
                                                  "'daxinganling'"));
    dp_hierarchy_free(h);
}

static void
test_region_parent_code(void **state)
{
    fixture *f = *state;
    dp_hierarchy *h = NULL;
    dp_region_input r;
    assert_int_equal(dp_hierarchy_load(f->ctx, HIER, &h), DP_OK);
    assert_int_equal(dp_region_load(f->ctx, "data/regions/daan.yaml", &r), DP_OK);
    assert_string_equal(r.parent, "baicheng");
    assert_string_equal(r.code, "220882");
    assert_int_equal(dp_hierarchy_check_region(f->ctx, h, "daan.yaml", &r), DP_OK);
    snprintf(r.code, sizeof r.code, "220881");
    assert_int_equal(dp_hierarchy_check_region(f->ctx, h, "daan.yaml", &r), DP_EINPUT);
    char want[256];
    snprintf(want, sizeof want,
             "daan.yaml:%d:%d: code: expected 220882, the code of 'daan' in %s, "
             "got 220881",
             r.code_line, r.code_col, HIER);
    assert_string_equal(dp_ctx_errmsg(f->ctx), want);
    snprintf(r.code, sizeof r.code, "220882");
    snprintf(r.parent, sizeof r.parent, "jilin");
    assert_int_equal(dp_hierarchy_check_region(f->ctx, h, "daan.yaml", &r), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "parent: expected 'baicheng'"));
    dp_region_clear(&r);
    dp_hierarchy_free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* Roll-ups of a real run */

typedef struct {
    dp_scenario *s;
    dp_reference *ref;
    dp_model *m;
    dp_results *res;
} run_fixture;

enum { N_RUN = 40 };

static void
run_two_provinces(fixture *f, run_fixture *r)
{
    char path[128];
    snprintf(path, sizeof path, "%s/two.yaml", f->dir);
    write_file(path, "dpsim: 1\nname: two\nregions: [prefecture:daxinganling, province:jilin]\n"
                     "years: {start: 2021, end: 2025}\n"
                     "budget: {ceiling: 30000000}\n"
                     "targets:\n"
                     "  - {indicator: certified, region: nation:china, year: 2025, op: \">=\", "
                     "value: 15000, kind: expected}\n"
                     "  - {indicator: certified_share, region: heilongjiang, year: 2025, "
                     "op: \">=\", value: 0.5, kind: expected}\n");
    memset(r, 0, sizeof *r);
    if (dp_scenario_load(f->ctx, path, "data", &r->s) != DP_OK ||
        dp_reference_load(f->ctx, "data", &r->ref) != DP_OK ||
        dp_model_of_scenario(f->ctx, r->s, r->ref, &r->m) != DP_OK ||
        dp_micro_run(f->ctx, r->m, &(dp_engine_opts){N_RUN, 515}, &r->res) != DP_OK ||
        dp_rollup_add(f->ctx, dp_scenario_hierarchy(r->s), r->res) != DP_OK) {
        fail_msg("run: %s", dp_ctx_errmsg(f->ctx));
    }
}

static void
run_free(run_fixture *r)
{
    dp_results_free(r->res);
    dp_model_free(r->m);
    dp_reference_free(r->ref);
    dp_scenario_free(r->s);
}

static size_t
label_index(const dp_axis *a, const char *label)
{
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->label[i], label) == 0) {
            return i;
        }
    }
    fail_msg("no label %s on axis %s", label, a->name);
    return 0;
}

static void
test_rollup_sums(void **state)
{
    fixture *f = *state;
    run_fixture r;
    run_two_provinces(f, &r);
    const dp_results *res = r.res;
    const dp_hierarchy *h = dp_scenario_hierarchy(r.s);
    size_t ra = dp_results_find_axis(res, "region"), na = dp_results_find_axis(res, "node");
    assert_int_not_equal(na, (size_t)-1);
    const dp_axis *reg = &res->axis[ra], *node = &res->axis[na];
    /* huzhong, daan; nodes in file order: china, jilin, baicheng, heilongjiang, daxinganling. */
    assert_int_equal(reg->n, 2);
    assert_string_equal(reg->label[0], "huzhong");
    static const char *const want_nodes[] = {"china", "jilin", "baicheng", "heilongjiang",
                                             "daxinganling"};
    assert_int_equal(node->n, 5);
    for (size_t k = 0; k < 5; k++) {
        assert_string_equal(node->label[k], want_nodes[k]);
    }
    assert_string_equal(res->axis[dp_results_find_axis(res, "node_code")].label[1], "220000");
    assert_string_equal(res->axis[dp_results_find_axis(res, "node_level")].label[4], "prefecture");
    assert_string_equal(res->axis[dp_results_find_axis(res, "node_parent")].label[0], "-");

    /* Every table with a region axis (but take_up, a share) has its roll-up, equal to the sum
     * of its regions, run by run and element by element. */
    size_t checked = 0;
    for (size_t i = 0; i < res->n_table; i++) {
        const dp_table *t = &res->table[i];
        size_t pos = (size_t)-1, outer = 1, inner = 1;
        for (size_t k = 0; k < t->rank; k++) {
            if (t->axis[k] == ra) {
                pos = k;
            }
        }
        if (pos == (size_t)-1 || strncmp(t->name, "target", 6) == 0) {
            continue;
        }
        char name[48];
        snprintf(name, sizeof name, "%s_node", t->name);
        const dp_table *u = dp_results_find(res, name);
        if (strcmp(t->unit, "share") == 0) {
            assert_null(u);
            continue;
        }
        if (!u) {
            fail_msg("no roll-up of %s", t->name);
        }
        for (size_t k = 0; k < t->rank; k++) {
            if (k < pos) {
                outer *= res->axis[t->axis[k]].n;
            } else if (k > pos) {
                inner *= res->axis[t->axis[k]].n;
            }
        }
        assert_int_equal(u->size, t->size / reg->n * node->n);
        size_t n_run = t->per_run ? res->n_run : 1;
        for (size_t run = 0; run < n_run; run++) {
            const double *x = t->data + run * t->size, *y = u->data + run * u->size;
            for (size_t o = 0; o < outer; o++) {
                for (size_t k = 0; k < node->n; k++) {
                    size_t nk = dp_hierarchy_find(h, node->label[k]);
                    for (size_t e = 0; e < inner; e++) {
                        double sum = 0.0;
                        for (size_t j = 0; j < reg->n; j++) {
                            if (dp_hierarchy_under(h, dp_hierarchy_find(h, reg->label[j]), nk)) {
                                sum += x[(o * reg->n + j) * inner + e];
                            }
                        }
                        double got = y[(o * node->n + k) * inner + e];
                        if (got != sum && !(isnan(got) && isnan(sum))) {
                            fail_msg("%s run %zu node %s element %zu: %.17g, sum %.17g", u->name,
                                     run, node->label[k], o * inner + e, got, sum);
                        }
                    }
                }
            }
        }
        checked++;
    }
    assert_true(checked >= 19); /* 17 per-run tables and 2 base tables */
    run_free(&r);
}

/* p05 and p95 over the runs of one element of table t (stride: its size). */
static void
interval(const dp_table *t, size_t n_run, size_t at, double *lo, double *hi)
{
    double x[N_RUN];
    for (size_t run = 0; run < n_run; run++) {
        x[run] = dp_table_run(t, run)[at];
    }
    double s[DP_N_STAT];
    assert_int_equal(dp_summary_compute(NULL, x, n_run, 1, s), DP_OK);
    *lo = s[DP_STAT_P05];
    *hi = s[DP_STAT_P95];
}

static void
test_rollup_interval_of_totals(void **state)
{
    fixture *f = *state;
    run_fixture r;
    run_two_provinces(f, &r);
    const dp_results *res = r.res;
    const dp_table *ind = dp_results_find(res, "indicators");
    const dp_table *ind_node = dp_results_find(res, "indicators_node");
    size_t n_ind = res->axis[dp_results_find_axis(res, "indicator")].n;
    size_t k_dis = label_index(&res->axis[dp_results_find_axis(res, "indicator")], "disabled");
    size_t year = 4; /* 2025 */
    double lo[2], hi[2], nlo, nhi;
    for (size_t j = 0; j < 2; j++) {
        interval(ind, res->n_run, (year * 2 + j) * n_ind + k_dis, &lo[j], &hi[j]);
    }
    /* The nation (node 0) spans both regions. */
    interval(ind_node, res->n_run, (year * 5 + 0) * n_ind + k_dis, &nlo, &nhi);
    double sum_width = (hi[0] - lo[0]) + (hi[1] - lo[1]);
    /* Each region's disabled count varies by process noise (a few dozen persons at least). */
    assert_true(hi[0] - lo[0] > 5.0 && hi[1] - lo[1] > 5.0);
    /* The interval of the totals is not the sum of the intervals: the regions' noise is
     * independent, so the total's interval is narrower (for independent normal parts about
     * sqrt(w1^2 + w2^2)); asserted with a margin of 1 person. */
    assert_true(nhi - nlo < sum_width - 1.0);
    assert_true(nlo != lo[0] + lo[1] || nhi != hi[0] + hi[1]);
    run_free(&r);
}

static void
test_view_and_node_targets(void **state)
{
    fixture *f = *state;
    run_fixture r;
    run_two_provinces(f, &r);
    dp_results *res = r.res, *v = NULL;
    /* The view of heilongjiang (node 3) is spending_node's slice, under the table's own name. */
    assert_int_equal(dp_rollup_view(f->ctx, res, "heilongjiang", &v), DP_OK);
    const dp_table *sv = dp_results_find(v, "spending"),
                   *sn = dp_results_find(res, "spending_node");
    assert_non_null(sv);
    assert_null(dp_results_find(v, "spending_node"));
    /* Its budget: the node's total spending over the programmes, run by run; no ceiling (the
     * node holds one of the two regions). */
    const dp_table *bv = dp_results_find(v, "budget");
    assert_non_null(bv);
    assert_int_equal(bv->size, res->axis[dp_results_find_axis(res, "year")].n * 3);
    assert_int_equal(dp_results_find_axis(v, "node"), (size_t)-1);
    size_t n_prog = res->axis[dp_results_find_axis(res, "programme")].n;
    size_t n_year = res->axis[dp_results_find_axis(res, "year")].n;
    for (size_t run = 0; run < res->n_run; run++) {
        for (size_t y = 0; y < n_year; y++) {
            for (size_t p = 0; p < n_prog; p++) {
                assert_true(dp_table_run(sv, run)[y * n_prog + p] ==
                            dp_table_run(sn, run)[(y * 5 + 3) * n_prog + p]);
            }
        }
    }
    for (size_t run = 0; run < res->n_run; run++) {
        for (size_t y = 0; y < n_year; y++) {
            double want = 0.0;
            for (size_t p = 0; p < n_prog; p++) {
                want += dp_table_run(sn, run)[(y * 5 + 3) * n_prog + p];
            }
            const double *b = dp_table_run(bv, run) + y * 3;
            assert_true(want > 0.0 && b[0] == want); /* total: the same sum, the same order */
            assert_true(isnan(b[1]) && isnan(b[2]));
        }
    }
    const dp_axis *vr = &v->axis[dp_results_find_axis(v, "region")];
    assert_int_equal(vr->n, 1);
    assert_string_equal(vr->label_zh[0], "黑龙江省");
    dp_results_free(v);
    v = NULL;
    /* The nation holds both regions: its budget is the run's own, ceiling and all. */
    assert_int_equal(dp_rollup_view(f->ctx, res, "china", &v), DP_OK);
    bv = dp_results_find(v, "budget");
    const dp_table *br = dp_results_find(res, "budget");
    assert_non_null(bv);
    assert_non_null(br);
    assert_memory_equal(bv->data, br->data, res->n_run * br->size * sizeof *br->data);
    assert_true(dp_table_run(bv, 0)[1] == 30000000.0); /* 2021's ceiling */
    dp_results_free(v);
    v = NULL;
    assert_int_equal(dp_rollup_view(f->ctx, res, "heilongjang", &v), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "did you mean 'heilongjiang'?"));

    /* Targets on nodes: the nation's certified persons are the sum of the two regions', and
     * heilongjiang's certified share is huzhong's certified / disabled (its only region). */
    size_t n_t = 0;
    const dp_target *t = dp_scenario_targets(r.s, &n_t);
    assert_int_equal(n_t, 2);
    assert_string_equal(t[0].region, "china");
    assert_int_equal(dp_targets_eval(f->ctx, t, n_t, res), DP_OK);
    const dp_table *val = dp_results_find(res, "target_values");
    const dp_table *ind = dp_results_find(res, "indicators");
    const dp_axis *ia = &res->axis[dp_results_find_axis(res, "indicator")];
    size_t n_ind = ia->n, k_cert = label_index(ia, "certified"),
           k_dis = label_index(ia, "disabled");
    for (size_t run = 0; run < res->n_run; run++) {
        const double *d = dp_table_run(ind, run) + 4 * 2 * n_ind; /* 2025 */
        assert_true(dp_table_run(val, run)[0] == d[k_cert] + d[n_ind + k_cert]);
        assert_close(dp_table_run(val, run)[1], d[k_cert] / d[k_dis], 1e-12, 0);
    }
    dp_target_result *tr = NULL;
    size_t n_tr = 0;
    assert_int_equal(dp_targets_read(f->ctx, res, &tr, &n_tr), DP_OK);
    assert_int_equal(n_tr, 2);
    assert_string_equal(tr[0].region, "china");
    assert_string_equal(tr[0].region_zh, "中国");
    assert_string_equal(tr[1].region, "heilongjiang");
    free(tr);
    run_free(&r);
}

int
main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_seed_hierarchy),
        cmocka_unit_test(test_bad_hierarchies),
        cmocka_unit_test(test_selection),
        cmocka_unit_test(test_region_parent_code),
        cmocka_unit_test(test_rollup_sums),
        cmocka_unit_test(test_rollup_interval_of_totals),
        cmocka_unit_test(test_view_and_node_targets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
