/* model/engines/rollup.h
 *
 * Roll-ups (docs/output-schema.md "Roll-ups"): every table over the `region` axis summed, run
 * by run, to each node of the region hierarchy (input/hierarchy.h) above the run's regions.
 * For a table T [.., region, ..] the roll-up is T_node [.., node, ..], the same axes with
 * `region` replaced by `node`, and T_node[.., k, ..] of run r is the sum of T[.., j, ..] of run
 * r over the regions j under node k: exact sums of the same replicate, so the summary of a
 * node (its mean and percentiles over runs, output.h) is that of its replicate totals, not a
 * sum of the regions' intervals. The tables in a share (`take_up`, a calibrated probability
 * per region) are not sums and are not rolled up; shares that plan targets and the commands
 * compute are ratios of counts, and are computed from the rolled-up numerator and denominator.
 */
#ifndef DPSIM_ROLLUP_H
#define DPSIM_ROLLUP_H

#include "core/ctx.h"
#include "core/results.h"
#include "input/hierarchy.h"

/* Adds to res, when h is not NULL and a node lies above one of its regions (the labels of
 * the `region` axis are region ids): the axis `node` (node ids, label_zh their Chinese names),
 * the metadata axes `node_level`, `node_code` and `node_parent` (one label per node: level,
 * six-digit code, parent id or "" for the root; used by no table), and T_node for every table
 * T with a `region` axis except those in a share and the target tables. Nothing is added
 * when there is no node. DP_EINPUT when a region of the run lies under another; DP_ENOMEM. */
dp_status dp_rollup_add(dp_ctx *ctx, const dp_hierarchy *h, dp_results *res);

/* A view of res on one region or node, for the commands' --region: *out gets every axis of
 * res but `node` and its metadata, the `region` axis holding name alone (with its Chinese
 * label), every table with a `region` axis sliced at name (a region) or replaced by its
 * roll-up T_node sliced at name (a node; a table without roll-up is left out), the other
 * tables copied, except the roll-ups themselves and `budget`, which is the view's own: total =
 * the view's spending summed over programmes run by run, ceiling and exceeds NaN, or the run's
 * whole budget table when the view holds every region of the run (a region of a one-region run;
 * a node whose population_node equals the in-order sum of population over all regions). Works
 * on dp_output_read's and dp_output_read_summary's results alike, but for a node of a summary
 * the budget's statistics are not a statistic of the node's totals: compute them from the
 * dp_output_read view (export does).
 * DP_EINPUT, naming the regions and nodes the results have, when name is neither. */
dp_status dp_rollup_view(dp_ctx *ctx, const dp_results *res, const char *name, dp_results **out);

/* The number of roll-up nodes of n_leaf regions with ids leaf[] (0 when h is NULL): what
 * dp_rollup_add will add a `node` axis of. DP_EINPUT as dp_rollup_add; DP_ENOMEM. */
dp_status dp_rollup_count(dp_ctx *ctx, const dp_hierarchy *h, const char *const *leaf,
                          size_t n_leaf, size_t *n_node);

/* 1 when res has a region or node labelled name. */
int dp_rollup_has(const dp_results *res, const char *name);

#endif
