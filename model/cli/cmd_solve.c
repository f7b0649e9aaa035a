/* model/cli/cmd_solve.c
 *
 * dpsim solve: the smallest (or largest) value of one scenario key that meets one plan target,
 * with probability P over the runs (analysis/solve.h; docs/solve.md). Prints the trace of the
 * evaluations as they come, the answer with its P(met) and indicator, and the spending it
 * costs against the scenario, per year and over the horizon; --write-overlay writes the answer
 * as an `extends:` overlay that dpsim run accepts as it is. Exit status 0 with an answer, 3
 * when there is none (no value in the range meets the target, the key does not move it, or
 * the evaluations ran out), 2 for bad input, 1 otherwise. Writes no results file.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/solve.h"
#include "cli.h"
#include "core/outpath.h"
#include "domain/model.h"
#include "input/scenario.h"

enum { EXIT_NO_ANSWER = 3 };

static void
help(void)
{
    printf("usage: dpsim solve SCENARIO.yaml --target NAME --vary KEY [--prob P]\n"
           "                   [--engine cohort|micro] [--runs N] [--seed S] [--lo X] [--hi Y]\n"
           "                   [--max-eval N] [--write-overlay FILE] [--threads N] [--data DIR]\n\n"
           "What does it take? Finds the smallest value of the scenario key KEY that meets the\n"
           "plan target NAME (or the largest, when lowering the key is what helps): with the\n"
           "cohort engine and one run, the value at which the target is just met; with the\n"
           "micro engine or several runs, the value at which P(met), the share of runs meeting\n"
           "it, reaches P. Every evaluation runs the scenario with KEY set as a YAML overlay\n"
           "would set it, with the same seed (common random numbers: P is then monotone in the\n"
           "key). The search starts at the scenario's value, expands within the key's valid\n"
           "range and narrows the bracket by Brent's method (cohort, one run), or by bisection\n"
           "on P or on whole numbers (counts, ages, years).\n\n"
           "Prints every evaluation, the answer with its P(met) and indicator, and total\n"
           "spending against the scenario's, per year and over the horizon (万元).\n"
           "Exit status 0 with an answer; 3 when there is none: no value in the range meets\n"
           "the target, the target does not change with the key, or --max-eval evaluations\n"
           "were not enough; 2 for bad input.\n\n"
           "options:\n"
           "  --target NAME  a target of the scenario as dpsim targets labels it\n"
           "                 (renovations_cumulative_2025), or its indicator when only one\n"
           "                 target has it; ceiling_YEAR: total spending of YEAR at most\n"
           "                 budget.ceiling (with --vary budget.ceiling: the ceiling that\n"
           "                 covers P of the runs)\n"
           "  --vary KEY     a numeric scenario key (dpsim keys), e.g.\n"
           "                 programmes.home_renovation.households; an amount by grade takes\n"
           "                 .gradeN for one grade, else sets every grade\n"
           "  --prob P       the probability the target must be met with (default 0.9; with\n"
           "                 the cohort engine and one run the target is met or not)\n"
           "  --engine E     cohort (default) or micro\n"
           "  --runs N       replicates per evaluation (default 1 cohort, 100 micro)\n"
           "  --seed S       the seed of every evaluation (default 1)\n"
           "  --lo X, --hi Y the range searched (default: the key's valid values)\n"
           "  --max-eval N   engine runs at most (default 60)\n"
           "  --write-overlay FILE  write the answer as an extends: overlay of SCENARIO\n"
           "  --threads N    OpenMP threads (results do not depend on it)\n"
           "  --data DIR     the data folder\n"
           "  -h, --help     this text\n");
}

/* The indicator's value as the trace shows it. */
static const char *
fmt_value(const dp_solve_result *r, double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
    } else if (strcmp(r->unit, "share") == 0) {
        cli_fmt_pct(v, 2, buf, n);
    } else if (strncmp(r->unit, "yuan", 4) == 0 && strcmp(r->unit, "yuan") == 0) {
        size_t len = strlen(cli_fmt_num(v / 1e4, 1, buf, n));
        snprintf(buf + len, len < n ? n - len : 0, " 万元");
    } else {
        cli_fmt_sig(v, 6, buf, n);
    }
    return buf;
}

static const char *
fmt_x(const dp_solve_result *r, double x, char *buf, size_t n)
{
    if (!isfinite(x)) {
        return snprintf(buf, n, "-"), buf;
    }
    return r->integer ? cli_fmt_int(x, buf, n) : cli_fmt_sig(x, 10, buf, n);
}

static void
print_eval(void *user, const dp_solve_result *r, size_t i)
{
    (void)user;
    const dp_solve_eval *e = &r->eval[i];
    char a[48], b[48], c[48], d[48];
    if (e->as_is) {
        snprintf(a, sizeof a, "%s (scenario)", isfinite(r->x0) && !r->varies
                                                   ? fmt_x(r, r->x0, b, sizeof b)
                                                   : "as is");
    } else {
        fmt_x(r, e->x, a, sizeof a);
    }
    printf("  %4zu  %22s  %16s  %7s  %-3s  %14s\n", i, a, fmt_value(r, e->value, b, sizeof b),
           cli_fmt_pct(e->p, 1, c, sizeof c), e->met ? "yes" : "no",
           cli_fmt_num(e->total / 1e4, 1, d, sizeof d));
    fflush(stdout);
}

/* Whether path is relative without "." or ".." components: then paths relate by their text. */
static int
plain_relative(const char *path)
{
    if (path[0] == '/') {
        return 0;
    }
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, "/");
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
            return 0;
        }
        p += n + (p[n] == '/');
    }
    return 1;
}

/* The path of target relative to the folder of from (both as given): "../scenarios/x.yaml".
 * Returns 0, or -1 when a path cannot be resolved or does not fit. */
static int
relative_path(const char *target, const char *from, char *out, size_t size)
{
    char t[PATH_MAX], dir[PATH_MAX], f[PATH_MAX];
    if (plain_relative(target) && plain_relative(from)) {
        /* By their text, as the user wrote them ("results/x.yaml" and "scenarios/s.yaml" give
         * "../scenarios/s.yaml"), symbolic links kept. */
        size_t len = 0;
        for (const char *p = from; *p; p++) {
            if (*p == '/' && p[1] != '/' && p[1] != '\0') {
                len += (size_t)snprintf(out + len, len < size ? size - len : 0, "../");
            }
        }
        if (len >= size) {
            return -1;
        }
        int w = snprintf(out + len, size - len, "%s", target);
        return w < 0 || (size_t)w >= size - len ? -1 : 0;
    }
    if (!realpath(target, t)) {
        return -1;
    }
    snprintf(f, sizeof f, "%s", from);
    char *slash = strrchr(f, '/');
    if (slash == f) {
        f[1] = '\0';
    } else if (slash) {
        *slash = '\0';
    } else {
        snprintf(f, sizeof f, ".");
    }
    if (!realpath(f, dir)) {
        return -1;
    }
    /* The longest common run of whole folders: dir is "/a/b", t "/a/c/x.yaml" -> "/a". */
    size_t dl = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
    size_t common = 0;
    for (size_t i = 0; i <= dl && t[i] == (i < dl ? dir[i] : '/'); i++) {
        if (i == dl || dir[i] == '/') {
            common = i;
        }
    }
    size_t len = 0;
    for (size_t i = common; i < dl; i++) {
        if (dir[i] == '/') {
            len += (size_t)snprintf(out + len, len < size ? size - len : 0, "../");
        }
    }
    if (len >= size) {
        return -1;
    }
    int w = snprintf(out + len, size - len, "%s", t + common + 1);
    return w < 0 || (size_t)w >= size - len ? -1 : 0;
}

static int
write_overlay(const char *file, const char *scenario, const char *name, const dp_solve_result *r,
              const char *engine, unsigned long runs, unsigned long seed)
{
    char rel[PATH_MAX], yaml[1024];
    if (relative_path(scenario, file, rel, sizeof rel) != 0 ||
        dp_solve_overlay_text(r->key, r->x_text, yaml, sizeof yaml) != 0) {
        fprintf(stderr, "dpsim: solve: cannot resolve the path of %s from %s: %s\n", scenario,
                file, strerror(errno));
        return EXIT_INPUT;
    }
    /* Written under a temporary name and renamed when complete, as every output. */
    char *tmp = dp_outpath_temp_name(file);
    FILE *f = tmp ? fopen(tmp, "wx") : NULL;
    if (!f) {
        fprintf(stderr, "dpsim: solve: cannot write %s: %s\n", file,
                tmp ? strerror(errno) : "out of memory");
        free(tmp);
        return tmp ? EXIT_INPUT : EXIT_INTERNAL;
    }
    fprintf(f,
            "# Written by dpsim solve: the %s value of %s that meets target %s\n"
            "# (%s engine, %lu run%s, seed %lu",
            r->direction > 0 ? "smallest" : "largest", r->key, r->target, engine, runs,
            runs == 1 ? "" : "s", seed);
    if (r->p_mode) {
        fprintf(f, ", P(met) >= %g", r->prob);
    }
    fprintf(f, ").\n# Run it with: dpsim run %s", file);
    if (strcmp(engine, "micro") == 0) {
        fprintf(f, " --engine micro");
    }
    if (runs > 1 || strcmp(engine, "micro") == 0) {
        fprintf(f, " --runs %lu --seed %lu", runs, seed);
    }
    fprintf(f, "\n");
    fprintf(f, "dpsim: 1\nextends: %s\nname: %.55s-solved\n%s", rel, name, yaml);
    if (ferror(f) | fclose(f) || rename(tmp, file) != 0) {
        fprintf(stderr, "dpsim: solve: cannot write %s: %s\n", file, strerror(errno));
        remove(tmp);
        free(tmp);
        return EXIT_INTERNAL;
    }
    free(tmp);
    return EXIT_OK;
}

static void
print_answer(const dp_solve_result *r)
{
    const dp_solve_eval *e0 = &r->eval[0];
    char a[48], b[48], c[48], d[48];
    if (r->status != DP_SOLVE_FOUND) {
        printf("\nNo answer 无解: %s.\n", r->message);
        if (r->status == DP_SOLVE_LIMIT && isfinite(r->x)) {
            printf("best value met so far: %s = %s\n", r->key, r->x_text);
        }
        return;
    }
    const dp_solve_eval *e = &r->eval[r->answer];
    printf("\nAnswer 答案: %s = %s  (the %s value meeting the target%s)\n", r->key, r->x_text,
           r->direction > 0 ? "smallest" : "largest",
           r->at_bound ? "; it is the end of the range: met there too" : "");
    if (!r->at_bound) {
        printf("  the next value tried, %s, does not meet it\n",
               fmt_x(r, r->bracket_other, a, sizeof a));
    }
    if (r->ceiling) {
        printf("  %s: mean total spending %s, P(total <= ceiling) %s\n", r->target,
               fmt_value(r, e->value, a, sizeof a), cli_fmt_pct(e->p, 1, b, sizeof b));
    } else {
        printf("  %s %s %s %s: mean %s, P(met) %s\n", r->target, r->target_zh,
               dp_target_op_text[r->op], fmt_value(r, r->threshold, c, sizeof c),
               fmt_value(r, e->value, a, sizeof a), cli_fmt_pct(e->p, 1, b, sizeof b));
    }
    printf("  scenario 原方案: %s = %s: mean %s, P(met) %s\n", r->key,
           isfinite(r->x0) && !r->varies ? fmt_x(r, r->x0, a, sizeof a) : "(varies by year or grade)",
           fmt_value(r, e0->value, b, sizeof b), cli_fmt_pct(e0->p, 1, c, sizeof c));
    double diff = e->total - e0->total;
    printf("\nTotal spending 支出合计, all programmes (万元):\n");
    printf("  %4s %14s %14s %14s\n", "year", "scenario", "answer", "difference");
    for (int y = 0; y < r->n_year; y++) {
        double t0 = r->year_total[(size_t)y];
        double t1 = r->year_total[r->answer * (size_t)r->n_year + (size_t)y];
        printf("  %4d %14s %14s %14s\n", r->year_start + y, cli_fmt_num(t0 / 1e4, 1, a, sizeof a),
               cli_fmt_num(t1 / 1e4, 1, b, sizeof b), cli_fmt_num((t1 - t0) / 1e4, 1, c, sizeof c));
    }
    printf("  %d-%d: %s against %s, difference %s (%s a year on average)\n", r->year_start,
           r->year_start + r->n_year - 1, cli_fmt_num(e->total / 1e4, 1, a, sizeof a),
           cli_fmt_num(e0->total / 1e4, 1, b, sizeof b), cli_fmt_num(diff / 1e4, 1, c, sizeof c),
           cli_fmt_num(diff / 1e4 / r->n_year, 1, d, sizeof d));
}

static int
parse_double(const char *opt, const char *arg, double *out)
{
    char *end = NULL;
    *out = strtod(arg, &end);
    if (!end || *end || end == arg || !isfinite(*out)) {
        return cli_usage_error("solve", "%s expects a number, got '%s'", opt, arg);
    }
    return 0;
}

int
cmd_solve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"target", required_argument, NULL, 'T'},  {"vary", required_argument, NULL, 'k'},
        {"prob", required_argument, NULL, 'p'},    {"engine", required_argument, NULL, 'e'},
        {"runs", required_argument, NULL, 'r'},    {"seed", required_argument, NULL, 's'},
        {"lo", required_argument, NULL, 'l'},      {"hi", required_argument, NULL, 'u'},
        {"max-eval", required_argument, NULL, 'm'},
        {"write-overlay", required_argument, NULL, 'w'},
        {"threads", required_argument, NULL, 't'}, {"data", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *target = NULL, *key = NULL, *engine = "cohort", *data_opt = NULL,
               *overlay = NULL;
    unsigned long runs = 0, seed = 1, threads = 0, max_eval = 60;
    double prob = 0.9, lo = NAN, hi = NAN;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'T': target = optarg; break;
        case 'k': key = optarg; break;
        case 'p':
            bad = parse_double("--prob", optarg, &prob);
            if (!bad && !(prob > 0.0 && prob <= 1.0)) {
                return cli_usage_error("solve", "--prob expects a probability in (0, 1], got '%s'",
                                       optarg);
            }
            break;
        case 'e': engine = optarg; break;
        case 'r': bad = cli_parse_size("solve", "--runs", optarg, 1000000, &runs); break;
        case 's': bad = cli_parse_size("solve", "--seed", optarg, 0xffffffffUL, &seed); break;
        case 'l': bad = parse_double("--lo", optarg, &lo); break;
        case 'u': bad = parse_double("--hi", optarg, &hi); break;
        case 'm': bad = cli_parse_size("solve", "--max-eval", optarg, 10000, &max_eval); break;
        case 'w': overlay = optarg; break;
        case 't': bad = cli_parse_size("solve", "--threads", optarg, 1024, &threads); break;
        case 'd': data_opt = optarg; break;
        case 'h': help(); return EXIT_OK;
        default:
            return cli_usage_error("solve", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (bad) {
            return bad;
        }
    }
    if (optind + 1 != argc) {
        return cli_usage_error("solve", optind >= argc ? "no scenario file given"
                                                       : "one scenario file at a time");
    }
    if (!target || !key) {
        return cli_usage_error("solve", "--target NAME and --vary KEY are both needed");
    }
    if (strcmp(engine, "cohort") != 0 && strcmp(engine, "micro") != 0) {
        return cli_usage_error("solve", "--engine expects cohort or micro, got '%s'", engine);
    }
    int micro = strcmp(engine, "micro") == 0;
    if (runs == 0) {
        runs = micro ? 100 : 1;
    }
    if (max_eval < 3) {
        return cli_usage_error("solve", "--max-eval expects at least 3 evaluations");
    }
    if (isfinite(lo) && isfinite(hi) && lo > hi) {
        return cli_usage_error("solve", "--lo %g is above --hi %g", lo, hi);
    }
    dp_set_threads((int)threads);
    const char *path = argv[optind];
    const char *data_dir = cli_data_dir(data_opt, path);
    dp_ctx *ctx = dp_ctx_alloc();
    dp_scenario *s = NULL;
    dp_solve_result *r = NULL;
    int exit_code = EXIT_OK;
    dp_status rc;
    dp_solve_opts o = {target, key, prob, micro, runs, seed, lo, hi, max_eval, print_eval, NULL};
    if (!ctx) {
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    /* The overlay's folder, the scenario's name and its errors before the first engine run. */
    if (overlay) {
        char dir[PATH_MAX], real[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", overlay);
        char *slash = strrchr(dir, '/');
        if (slash) {
            *(slash == dir ? slash + 1 : slash) = '\0';
        } else {
            snprintf(dir, sizeof dir, ".");
        }
        if (!realpath(dir, real)) {
            fprintf(stderr, "dpsim: solve: --write-overlay %s: no folder %s\n", overlay, dir);
            dp_ctx_free(ctx);
            return EXIT_INPUT;
        }
    }
    rc = dp_scenario_load(ctx, path, data_dir, &s);
    if (rc != DP_OK) {
        exit_code = cli_fail(ctx, rc);
        goto done;
    }
    /* The overlay may not be one of the scenario's own files (issue 14: the rules of run -o). */
    if (overlay) {
        size_t n_in = dp_scenario_n_input(s);
        const char **in = malloc((n_in ? n_in : 1) * sizeof *in);
        if (!in) {
            exit_code = cli_fail(ctx, dp_error(ctx, DP_ENOMEM, "out of memory"));
            goto done;
        }
        for (size_t i = 0; i < n_in; i++) {
            in[i] = dp_scenario_input_path(s, i);
        }
        rc = dp_outpath_check(ctx, overlay, in, n_in, 0, "overlay");
        free(in);
        if (rc != DP_OK) {
            exit_code = cli_fail(ctx, rc);
            goto done;
        }
    }
    printf("Solve 求解 %s: target %s, varying %s; %s engine, %lu run%s, seed %lu", dp_scenario_name(s),
           target, key, engine, runs, runs == 1 ? "" : "s", seed);
    if (micro || runs > 1) {
        printf(", P(met) >= %g", prob);
    }
    /* The header, right-aligned over the columns by display width (CJK counts two). */
    printf("\n  %4s  ", "eval");
    cli_put_right(stdout, "value 取值", 22);
    printf("  ");
    cli_put_right(stdout, "indicator 指标", 16);
    printf("  %7s  %-3s  ", "P(met)", "met");
    cli_put_right(stdout, "spending 万元", 14);
    printf("\n");
    if ((rc = dp_solve(ctx, path, data_dir, &o, &r)) != DP_OK) {
        exit_code = cli_fail(ctx, rc);
        goto done;
    }
    print_answer(r);
    if (r->varies) {
        printf("note: %s differs by year or grade in the scenario; the answer is one value for "
               "every year and grade\n",
               key);
    }
    if (r->status != DP_SOLVE_FOUND) {
        exit_code = EXIT_NO_ANSWER;
        if (overlay) {
            printf("no overlay written\n");
        }
    } else if (overlay) {
        exit_code = write_overlay(overlay, path, dp_scenario_name(s), r, engine, runs, seed);
        if (exit_code == EXIT_OK) {
            printf("overlay written to %s (dpsim run %s%s", overlay, overlay,
                   micro ? " --engine micro" : "");
            if (micro || runs > 1) {
                printf(" --runs %lu --seed %lu", runs, seed);
            }
            printf(")\n");
        }
    }
done:
    dp_solve_result_free(r);
    dp_scenario_free(s);
    dp_ctx_free(ctx);
    return exit_code;
}
