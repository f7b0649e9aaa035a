/* model/cli/cmd_run.c
 *
 * dpsim run: load and validate every scenario first (nothing is written if any is bad), then
 * build each model, project it, write all scenarios into one HDF5 file under a temporary name,
 * rename it into place, and print each scenario's headline table read back from the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "analysis/analysis.h"
#include "engines/engines.h"
#include "engines/rollup.h"
#include "output/output.h"
#include "input/reference.h"
#include "core/outpath.h"
#include "core/par.h"
#include "core/rng.h"
#include "input/scenario.h"
#include "analysis/targets.h"
#include "analysis/backtest.h"

static void
help(void)
{
    printf("usage: dpsim run SCENARIO.yaml... [-o FILE] [--engine cohort|micro] [--runs N]\n"
           "                 [--seed S] [--threads N] [--data DIR] [--quiet] [--force]\n\n"
           "Projects each scenario from its base year to its end year and writes every result\n"
           "to one HDF5 file (one group per scenario; docs/output-schema.md). All scenarios\n"
           "are validated before the output file is touched; the file is written under a\n"
           "temporary name and renamed when complete, so a failed run never damages an\n"
           "existing file.\n\n"
           "options:\n"
           "  -o, --output FILE   results file (default results/<first scenario name>.h5); never\n"
           "                      one of the run's inputs, a link, folder, FIFO or device\n"
           "  --force             replace FILE even when it is read-only (a read-only results\n"
           "                      file is otherwise kept: \"do not replace\")\n"
           "  --engine E          cohort: deterministic expected values (the default);\n"
           "                      micro: Monte Carlo microsimulation of individual persons\n"
           "  --runs N            replicates (default 1). With N > 1 every parameter given as\n"
           "                      a distribution is drawn once per replicate (both engines);\n"
           "                      the micro engine adds each replicate's own process noise.\n"
           "                      summary/ then holds mean, sd and percentiles over replicates\n"
           "  --seed S            random seed, 0 to 4294967295 (default 1); the same seed gives\n"
           "                      the same numbers, and scenarios run with the same seed share\n"
           "                      their random numbers person by person\n"
           "  --threads N         worker threads (default: all cores); results do not depend\n"
           "                      on it\n"
           "  --data DIR          data folder with regions/ and reference/ (default: $DPSIM_DATA,\n"
           "                      else ../data next to the scenario, else ./data)\n"
           "  --quiet             print nothing but errors (no progress bar either; the bar is\n"
           "                      shown on standard error only when it is a terminal)\n\n"
           "Before projecting, the run's memory is estimated; a run that would not fit in the\n"
           "available memory (MemAvailable, or $DPSIM_MEMORY_LIMIT bytes, e.g. 8000000000\n"
           "or 8G) is refused with exit status 2. The results file is checked before the run\n"
           "too (README \"Reliability\"): its folder must exist and be writable, and it may not\n"
           "be an input of the run (scenario, extends base, region file, reference table).\n"
           "  -h, --help          this text\n");
}

int
cli_parse_size(const char *cmd, const char *opt, const char *arg, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (errno || !end || *end || end == arg || arg[0] == '-' || v > max) {
        return cli_usage_error(cmd, "%s expects a whole number from 0 to %lu, got '%s'", opt, max,
                               arg);
    }
    *out = v;
    return 0;
}

/* $DPSIM_TIMING set and not empty: rank 0 prints each phase's wall time to stderr. */
static int
timing_on(void)
{
    const char *e = getenv("DPSIM_TIMING");
    return e && *e;
}

/* Progress bar state for one scenario. */
typedef struct {
    const char *name;
    size_t n_region;
    double t0;          /**< the engine's start */
    double t_first;     /**< the first report of work done (> 0 units) */
    size_t done_first;  /**< the units done then */
    int on;
} progress;

static double
now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds left, from the rate of the work done since the first report (the first units carry
 * the start-up and, with several threads, finish together, so the time to the first report
 * says little), or a negative number while that is not yet meaningful: fewer than 5% of the
 * units (at least 2) or less than a second since the first report. */
static double
progress_left(const progress *pb, size_t done, size_t total, double now)
{
    size_t since = done > pb->done_first ? done - pb->done_first : 0;
    size_t need = total / 20 > 2 ? total / 20 : 2;
    double dt = now - pb->t_first;
    if (pb->t_first <= 0.0 || since < need || dt < 1.0 || done >= total) {
        return -1.0;
    }
    return dt / (double)since * (double)(total - done);
}

/* "name [#########-----------]  12/400 replicates  3.1 s, about 9 s left" on one line. */
static void
show_progress(void *user, size_t done, size_t total)
{
    progress *pb = user;
    enum { WIDTH = 24 };
    double now = now_seconds(), el = now - pb->t0;
    if (done > 0 && pb->t_first <= 0.0) {
        pb->t_first = now;
        pb->done_first = done;
    }
    double frac = total ? (double)done / (double)total : 1.0;
    size_t fill = (size_t)(frac * WIDTH);
    char bar[WIDTH + 1];
    for (size_t i = 0; i < WIDTH; i++) {
        bar[i] = i < fill ? '#' : '-';
    }
    bar[WIDTH] = '\0';
    size_t reps = total / (pb->n_region ? pb->n_region : 1);
    size_t reps_done = done / (pb->n_region ? pb->n_region : 1);
    fprintf(stderr, "\r%s [%s] %zu/%zu replicates  %.1f s", pb->name, bar, reps_done, reps, el);
    double left = progress_left(pb, done, total, now);
    if (left >= 0.0) {
        fprintf(stderr, ", about %.0f s left   ", ceil(left));
    } else if (done < total) {
        fputs(", estimating time left", stderr);
    } else {
        fputs("                      ", stderr);
    }
    fflush(stderr);
}

/* The progress of the whole job (core/par.h): every rank adds its units done to rank 0's
 * counter; rank 0 shows the job's. When rank 0 has done its own units it follows the other
 * ranks' until the job's are done (or a rank has failed). One process: the engine's count. */
typedef struct {
    progress *pb;
    size_t last;   /**< this rank's units already added */
    size_t offset; /**< the job's units of the scenarios before this one */
    size_t total;  /**< the job's units of this scenario */
} job_progress;

static void
show_job_progress(void *user, size_t done, size_t total)
{
    job_progress *jp = user;
    if (done > jp->last) {
        dp_par_progress_add(done - jp->last);
        jp->last = done;
    }
    if (dp_par_rank() != 0 || !jp->pb->on) {
        return;
    }
    size_t all = dp_par_progress_done() - jp->offset;
    show_progress(jp->pb, all, jp->total);
    while (done >= total && all < jp->total && !dp_par_progress_failed()) {
        struct timespec ts = {0, 200000000L};
        nanosleep(&ts, NULL);
        all = dp_par_progress_done() - jp->offset;
        show_progress(jp->pb, all, jp->total);
    }
}

/* $DPSIM_PROGRESS=1 shows the progress lines even when standard error is not a terminal (for
 * tests; undocumented beyond the help of developers). */
static int
progress_forced(void)
{
    const char *e = getenv("DPSIM_PROGRESS");
    return e && strcmp(e, "1") == 0;
}

/* A number of bytes in the unit that suits its size: "512 B", "3.2 KiB", "41.0 MiB",
 * "1.5 GiB". */
static const char *
fmt_bytes(double b, char *buf, size_t n)
{
    static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB"};
    if (!isfinite(b)) {
        snprintf(buf, n, "unlimited");
        return buf;
    }
    if (b < 1024.0) {
        snprintf(buf, n, "%.0f B", b);
        return buf;
    }
    size_t u = 0;
    b /= 1024.0;
    while (b >= 1024.0 && u + 1 < sizeof unit / sizeof unit[0]) {
        b /= 1024.0;
        u++;
    }
    snprintf(buf, n, "%.1f %s", b, unit[u]);
    return buf;
}

/* $DPSIM_MEMORY_LIMIT: unset or empty gives 0 and *limit = 0 (no limit set); a number of
 * bytes > 0, optionally followed by K, M, G (or KiB, MiB, GiB: powers of 1024) gives 0 and
 * the limit; anything else prints an error and gives exit status 2. */
static int
memory_limit_env(double *limit)
{
    static const struct {
        const char *text;
        double factor;
    } units[] = {{"", 1.0},         {"B", 1.0},         {"K", 1024.0},       {"KiB", 1024.0},
                 {"M", 1048576.0}, {"MiB", 1048576.0}, {"G", 1073741824.0}, {"GiB", 1073741824.0}};
    const char *env = getenv("DPSIM_MEMORY_LIMIT");
    *limit = 0.0;
    if (!env || !*env) {
        return 0;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(env, &end);
    if (end != env && !errno && isfinite(v) && v > 0.0 && (env[0] >= '0' && env[0] <= '9')) {
        while (*end == ' ') {
            end++;
        }
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            if (strcmp(end, units[i].text) == 0) {
                *limit = v * units[i].factor;
                return 0;
            }
        }
    }
    fprintf(stderr, "dpsim: DPSIM_MEMORY_LIMIT must be a number of bytes greater than 0, "
                    "optionally with a unit K, M or G (KiB, MiB, GiB), such as 8000000000 or "
                    "8G; got '%s'.\n",
            env);
    return EXIT_INPUT;
}

/* Before any engine runs: may the results file be written at path (core/outpath.h)? It may
 * not be any input of the run (every scenario's extends chain and region files, the reference
 * tables read), nor a link, folder, FIFO or device, nor a read-only file without --force; its
 * folder must exist and be writable and its name fit the file system. A refusal is one plain
 * sentence and exit status 2, before anything runs or is written. */
static dp_status
check_output(dp_ctx *ctx, const char *path, dp_scenario *const *scen, int n_scen,
             const dp_reference *ref, int force)
{
    size_t n = ref->n_input, k = 0;
    for (int i = 0; i < n_scen; i++) {
        n += dp_scenario_n_input(scen[i]);
    }
    const char **inputs = malloc((n ? n : 1) * sizeof *inputs);
    if (!inputs) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    for (int i = 0; i < n_scen; i++) {
        for (size_t j = 0; j < dp_scenario_n_input(scen[i]); j++) {
            inputs[k++] = dp_scenario_input_path(scen[i], j);
        }
    }
    for (size_t j = 0; j < ref->n_input; j++) {
        inputs[k++] = ref->input_path[j];
    }
    dp_status rc = dp_outpath_check(ctx, path, inputs, k, force, "results file");
    free(inputs);
    return rc;
}

/* Bytes of memory available to the run: the limit from $DPSIM_MEMORY_LIMIT if > 0, else
 * MemAvailable from /proc/meminfo, else unlimited. */
static double
cli_memory_available(double limit)
{
    if (limit > 0.0) {
        return limit;
    }
    FILE *f = fopen("/proc/meminfo", "r");
    double kib = -1.0;
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1) {
            break;
        }
    }
    if (f) {
        fclose(f);
    }
    return kib > 0.0 ? kib * 1024.0 : HUGE_VAL;
}

static char *
join_argv(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++) {
        n += strlen(argv[i]) + 1;
    }
    char *s = malloc(n + 6);
    if (!s) {
        return NULL;
    }
    strcpy(s, "dpsim");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* The roll-up tables' memory (engines/rollup.h) added to *need. */
static dp_status
add_rollup_memory(dp_ctx *ctx, const dp_scenario *s, const dp_model *m, const dp_engine_opts *eo,
                  double *need)
{
    size_t n_reg = dp_scenario_n_region(s), n_node = 0;
    const char **ids = malloc((n_reg ? n_reg : 1) * sizeof *ids);
    dp_status rc;
    if (!ids) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    for (size_t r = 0; r < n_reg; r++) {
        ids[r] = dp_scenario_region(s, r)->id;
    }
    rc = dp_rollup_count(ctx, dp_scenario_hierarchy(s), ids, n_reg, &n_node);
    free(ids);
    if (rc == DP_OK) {
        *need += dp_rollup_memory_estimate(m, eo, n_node);
    }
    return rc;
}

int
cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"engine", required_argument, NULL, 'e'},
        {"runs", required_argument, NULL, 'r'},   {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'}, {"data", required_argument, NULL, 'd'},
        {"quiet", no_argument, NULL, 'q'},         {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *output = NULL, *engine = "cohort", *data_opt = NULL;
    unsigned long runs = 1, seed = 1, threads = 0;
    int quiet = 0, force = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'o': output = optarg; break;
        case 'e': engine = optarg; break;
        case 'r': bad = cli_parse_size("run", "--runs", optarg, 1000000, &runs); break;
        case 's': bad = cli_parse_size("run", "--seed", optarg, 0xffffffffUL, &seed); break;
        case 't': bad = cli_parse_size("run", "--threads", optarg, 1024, &threads); break;
        case 'd': data_opt = optarg; break;
        case 'q': quiet = 1; break;
        case 'f': force = 1; break;
        case 'h': help(); return EXIT_OK;
        default:
            return cli_usage_error("run", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (bad) {
            return bad;
        }
    }
    if (optind >= argc) {
        return cli_usage_error("run", "no scenario file given");
    }
    if (strcmp(engine, "cohort") != 0 && strcmp(engine, "micro") != 0) {
        return cli_usage_error("run", "--engine expects cohort or micro, got '%s'", engine);
    }
    int micro = strcmp(engine, "micro") == 0;
    if (runs < 1) {
        return cli_usage_error("run", "--runs expects at least 1 replicate");
    }
    double mem_limit = 0.0;
    int bad_env = memory_limit_env(&mem_limit);
    if (bad_env) {
        return bad_env;
    }
    dp_set_threads((int)threads);
    /* With MPI (make MPI=1; docs/cluster.md), every rank runs this command; rank 0 prints and
     * writes. A failure on any rank fails them all (dp_par_agree): `agreed` says whether this
     * failure was already agreed on, else the fail path agrees on it, once. */
    if (dp_par_init() != 0) {
        fprintf(stderr, "dpsim: MPI could not start\n");
        return EXIT_INTERNAL;
    }
    int rank = dp_par_rank(), agreed = 0;
    size_t job_units = 0;

    int n_scen = argc - optind, rc_exit = EXIT_OK, show = 0;
    double t_write = 0.0;
    dp_status rc = DP_OK;
    dp_ctx *ctx = dp_ctx_alloc();
    dp_scenario **scen = calloc((size_t)n_scen, sizeof *scen);
    dp_results **res = calloc((size_t)n_scen, sizeof *res);
    dp_reference *ref = NULL;
    dp_model *model = NULL;
    dp_output *out = NULL;
    char *cmdline = join_argv(argc, argv);
    char default_out[512];
    const char *data_dir = cli_data_dir(data_opt, argv[optind]);
    if (!ctx || !scen || !res || !cmdline) {
        fprintf(stderr, "dpsim: out of memory\n");
        rc_exit = EXIT_INTERNAL;
        goto done;
    }
    /* 1. Every scenario is loaded and validated before anything is written. */
    for (int i = 0; i < n_scen; i++) {
        if ((rc = dp_scenario_load(ctx, argv[optind + i], data_dir, &scen[i])) != DP_OK) {
            goto fail;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(dp_scenario_name(scen[i]), dp_scenario_name(scen[j])) == 0) {
                rc = dp_error(ctx, DP_EINPUT, "%s: scenario name '%s' is also the name of %s",
                              argv[optind + i], dp_scenario_name(scen[i]), argv[optind + j]);
                goto fail;
            }
        }
    }
    if ((rc = dp_reference_load(ctx, data_dir, &ref)) != DP_OK) {
        goto fail;
    }
    /* The results file can be created: checked now, not after the run. */
    if (!output) {
        snprintf(default_out, sizeof default_out, "results/%s.h5", dp_scenario_name(scen[0]));
        output = default_out;
    }
    if ((rc = check_output(ctx, output, scen, n_scen, ref, force)) != DP_OK) {
        goto fail;
    }
    /* 2. Project each scenario. */
    for (int i = 0; i < n_scen; i++) {
        size_t n_reg = dp_scenario_n_region(scen[i]);
        dp_engine_opts eo = {runs, seed};
        if ((rc = dp_model_of_scenario(ctx, scen[i], ref, &model)) != DP_OK) {
            goto fail;
        }
        double need = dp_run_memory_estimate(model, &eo, micro);
        if ((rc = add_rollup_memory(ctx, scen[i], model, &eo, &need)) != DP_OK) {
            goto fail;
        }
        double avail = cli_memory_available(mem_limit);
        if (need > avail) {
            char nb[32], ab[32];
            rc = dp_error(ctx, DP_EINPUT,
                          "%s: this run needs about %s of memory but %s is available%s; use "
                          "fewer --runs or regions",
                          argv[optind + i], fmt_bytes(need, nb, sizeof nb),
                          fmt_bytes(avail, ab, sizeof ab),
                          mem_limit > 0.0 ? " ($DPSIM_MEMORY_LIMIT)" : "");
            goto fail;
        }
        progress pb = {dp_scenario_name(scen[i]), n_reg, 0.0, 0.0, 0,
                       rank == 0 && (progress_forced() || (!quiet && isatty(STDERR_FILENO)))};
        job_progress jp = {&pb, 0, job_units, runs * n_reg};
        job_units += jp.total;
        pb.t0 = now_seconds();
        dp_ctx_set_progress(ctx, show_job_progress, &jp);
        rc = micro ? dp_micro_run(ctx, model, &eo, &res[i])
                   : dp_cohort_run(ctx, model, &eo, &res[i]);
        double t_engine = now_seconds();
        dp_ctx_set_progress(ctx, NULL, NULL);
        agreed = rc != DP_OK; /* the engines agree on every failure */
        if (pb.on) {
            fputc('\n', stderr);
            if (rc == DP_OK) {
                fprintf(stderr, "%s: summarising the runs (sensitivity, plan targets) ...\n",
                        pb.name);
            }
        }
        /* Which uncertain parameters drive the budget (base/sensitivity; stored when the
         * scenario has distributions and there are enough runs), and the plan targets, per
         * replicate (runs/target_*, base/targets; when the scenario lists targets). Rank 0
         * alone holds the whole run's tables; the roll-ups to the hierarchy's nodes above the
         * regions (runs/<table>_node) come before the targets, which may name a node. */
        if (rc != DP_OK ||
            (rank == 0 && ((rc = dp_rollup_add(ctx, dp_scenario_hierarchy(scen[i]), res[i])) !=
                               DP_OK ||
                           (rc = dp_sensitivity_add(ctx, res[i])) != DP_OK ||
                           (rc = dp_targets_add(ctx, scen[i], res[i])) != DP_OK))) {
            goto fail;
        }
        if (rank == 0 && timing_on()) {
            /* $DPSIM_TIMING: the phases' wall times (tests/bench/national.sh). The roll-up
             * figure includes the sensitivity and the plan targets that follow it. */
            fprintf(stderr,
                    "timing: %s: engine %.3f s (of which merging the ranks' tables %.3f s, "
                    "%.0f bytes), roll-up + sensitivity + targets %.3f s\n",
                    dp_scenario_name(scen[i]), t_engine - pb.t0, dp_par_merge_seconds(),
                    dp_par_merge_bytes(), now_seconds() - t_engine);
        }
        dp_model_free(model);
        model = NULL;
    }
    /* 3. Write everything, then rename into place (rank 0), then 4. the headline tables; the
     * other ranks wait to agree on how it went. */
    if (rank != 0) {
        goto agree;
    }
    show = progress_forced() || (!quiet && isatty(STDERR_FILENO));
    t_write = now_seconds();
    if (show) {
        fprintf(stderr, "writing %s ...", output);
        fflush(stderr);
    }
    if ((rc = dp_output_open(ctx, output, cmdline, &out)) != DP_OK) {
        goto fail;
    }
    for (int i = 0; i < n_scen; i++) {
        dp_run_info info = {engine, runs, seed,
                            micro || (dp_scenario_params(scen[i])->n_uncertain > 0 && runs > 1)
                                ? dp_rng_name()
                                : "none"};
        if ((rc = dp_history_add(ctx, scen[i], res[i])) != DP_OK ||
            (rc = dp_output_write(ctx, out, scen[i], res[i], &info, ref->n_input,
                                  (const char(*)[256])ref->input_path,
                                  (const char(*)[65])ref->input_sha256)) != DP_OK) {
            goto fail;
        }
    }
    rc = dp_output_close(ctx, out);
    out = NULL;
    if (show) {
        fprintf(stderr, rc == DP_OK ? " done (%.1f s)\n" : "\n", now_seconds() - t_write);
    }
    if (rc == DP_OK && timing_on()) {
        fprintf(stderr, "timing: write %.3f s\n", now_seconds() - t_write);
    }
    if (rc != DP_OK) {
        goto fail;
    }
    /* 4. Headline tables, read back from the file just written. */
    for (int i = 0; i < n_scen && !quiet; i++) {
        dp_results *back = NULL;
        if ((rc = dp_output_read(ctx, output, dp_scenario_name(scen[i]), &back)) != DP_OK) {
            goto fail;
        }
        cli_print_headline(stdout, dp_scenario_name(scen[i]), back);
        dp_results_free(back);
    }
    if (!quiet) {
        printf("results written to %s\n", output);
    }
agree:
    agreed = 1;
    if ((rc = dp_par_agree(ctx, DP_OK)) != DP_OK) {
        goto fail;
    }
    goto done;
fail:
    if (!agreed) {
        dp_output_abort(out); /* no file is left, whichever rank failed */
        out = NULL;
        rc = dp_par_agree(ctx, rc);
    }
    rc_exit = rank == 0 ? cli_fail(ctx, rc) : cli_exit_code(rc);
done:
    dp_output_abort(out);
    dp_model_free(model);
    for (int i = 0; scen && i < n_scen; i++) {
        dp_scenario_free(scen[i]);
    }
    for (int i = 0; res && i < n_scen; i++) {
        dp_results_free(res[i]);
    }
    free(scen);
    free(res);
    dp_reference_free(ref);
    free(cmdline);
    dp_ctx_free(ctx);
    dp_par_finalize();
    return rc_exit;
}
