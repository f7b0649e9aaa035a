/* model/cli/cli.h
 *
 * Shared pieces of the dpsim command: the subcommand signature, exit codes, the data-folder
 * lookup and the headline table printer. The CLI uses only the public <dpsim/...> headers.
 */
#ifndef DPSIM_CLI_H
#define DPSIM_CLI_H

#include <stdio.h>

#include "core/ctx.h"
#include "core/results.h"

enum { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_INPUT = 2 };

/* Exit status for a library status: 2 for bad input, 1 otherwise (0 for DP_OK). */
int cli_exit_code(dp_status rc);
/* Prints "dpsim: MESSAGE" for the context's last error and returns the exit status. */
int cli_fail(const dp_ctx *ctx, dp_status rc);
/* Prints "dpsim: CMD: MESSAGE" for a usage error and returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The data folder: --data DIR if given, else $DPSIM_DATA, else <scenario folder>/../data when
 * it has regions/, else "data". Returns a pointer to a static buffer or to opt. */
const char *cli_data_dir(const char *opt, const char *scenario_path);

/* --region NAME (summary, compare, targets, export): replaces *res, one scenario's results
 * read from path, by its view on the region or hierarchy node NAME (dp_rollup_view); nothing
 * when region is NULL. DP_EINPUT naming the file, the scenario and the names there are. */
dp_status cli_region_view(dp_ctx *ctx, const char *path, const char *scenario, const char *region,
                          dp_results **res);

/* Prints the headline table of one scenario's results (sum over regions; mean over runs and,
 * with several runs, the 90% interval). */
void cli_print_headline(FILE *f, const char *scenario, const dp_results *res);

/* Prints one table: rows by year and every other axis but region and the last, columns its
 * last axis, summed over regions (mean over runs). Returns -1 when res has no such table. */
int cli_print_table(FILE *f, const dp_results *res, const char *table);

/* Prints the programmes of year (its label; NULL: the first year; "all": every year): spending
 * nominal and real with 90% intervals, the benefit pipeline, services and spending by level of
 * government, summed over regions. Returns 1 when printed, 0 when res has no programme tables,
 * -1 when year is not on the year axis (or out of memory). */
int cli_print_programmes(FILE *f, const dp_results *res, const char *year);

/* Prints, per year, total spending against the budget ceiling and P(total > ceiling) from the
 * `budget` table. Returns 1 when printed, 0 when the scenario has no ceiling (or the file no
 * budget table), -1 on a malformed table, -2 when out of memory. */
int cli_print_budget(FILE *f, const dp_results *res);
/* The same for a --region view (dp_rollup_view) named region: printed also without a ceiling
 * (the region's or node's total spending and its intervals; the ceiling '-' unless the view
 * holds all the run's regions). region NULL: cli_print_budget. */
int cli_print_budget_region(FILE *f, const dp_results *res, const char *region);

/* Numbers in the tables the command prints, all in one style (print.c): fixed notation,
 * never an exponent; thousands separators in the integer part (12,345.6); a value that rounds
 * to zero prints as 0 (never "-0.0", never 4.18368e-11); "-" when not finite. Each writes buf
 * and returns it. */
/* v rounded to decimals (0 to 9) decimals. */
const char *cli_fmt_num(double v, int decimals, char *buf, size_t n);
/* v with up to sig significant digits, trailing zeros dropped (0.0233333, 1,234.57,
 * 12,345,679), and at most 9 decimals: a value below 5e-10 prints as 0. */
const char *cli_fmt_sig(double v, int sig, char *buf, size_t n);
/* A share as a percentage with decimals decimals ("95.0%"). */
const char *cli_fmt_pct(double share, int decimals, char *buf, size_t n);
/* A range "lo-hi", both with decimals decimals. */
const char *cli_fmt_range(double lo, double hi, int decimals, char *buf, size_t n);
/* v rounded to an integer with thousands separators (cli_fmt_num with 0 decimals). */
const char *cli_fmt_int(double v, char *buf, size_t n);
/* Prints s right-aligned in width terminal columns (CJK characters count two). */
void cli_put_right(FILE *f, const char *s, size_t width);
/* Terminal columns of a UTF-8 string (wcwidth with a UTF-8 locale: CJK characters count
 * two). */
size_t cli_display_width(const char *s);
/* Sets LC_CTYPE (only) to a UTF-8 locale (C.UTF-8, else en_US.UTF-8) so that display widths
 * are measured with wcwidth; without one, a byte heuristic is used. Called once by main. */
void cli_init_locale(void);

/* Prints the sensitivity of total spending to the uncertain parameters of one scenario for
 * 2025, 2030 and 2035 (those in the horizon; else the last year): the stored base table
 * `sensitivity`, or computed from runs/parameters when the file has none. Prints a one-line
 * note when the scenario has no distributions or too few runs. (cmd_compare.c) */
void cli_print_sensitivity(FILE *f, const char *scenario, const dp_results *res);

/* A whole number in [0, max] from the option opt's argument into *out; returns 0, or the
 * usage error's exit status (2) with a message naming cmd and opt. (cmd_run.c) */
int cli_parse_size(const char *cmd, const char *opt, const char *arg, unsigned long max,
                   unsigned long *out);

int cmd_run(int argc, char **argv);
int cmd_reconcile(int argc, char **argv);
int cmd_backtest(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_targets(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_check_output(int argc, char **argv);
int cmd_solve(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
