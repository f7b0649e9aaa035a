/* model/cli/region_opt.c
 *
 * The --region NODE option shared by summary, compare, targets and export: the results of one
 * scenario narrowed to one region or one node of the region hierarchy (engines/rollup.h).
 */
#include <stdio.h>

#include "cli.h"
#include "engines/rollup.h"

dp_status
cli_region_view(dp_ctx *ctx, const char *path, const char *scenario, const char *region,
                dp_results **res)
{
    dp_results *view = NULL;
    dp_status rc;
    if (!region || !*res) {
        return DP_OK;
    }
    if ((rc = dp_rollup_view(ctx, *res, region, &view)) != DP_OK) {
        char msg[700];
        snprintf(msg, sizeof msg, "%s", dp_ctx_errmsg(ctx));
        return dp_error(ctx, rc, "%s: scenario '%s': %s", path, scenario, msg);
    }
    dp_results_free(*res);
    *res = view;
    return DP_OK;
}
