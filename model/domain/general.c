/* model/domain/general.c
 *
 * Step 9 of the year for the general (non-disabled) population, kept as counts by sex and
 * age in both engines: births over the year, net migration, ageing by one year (100+
 * accumulates). The disabled persons' migration and ageing are each engine's own (cells in the
 * cohort engine, person records in the micro engine) with the same rates.
 */
#include <string.h>

#include "domain/model_impl.h"

void
dp_general_step(const dp_year_rates *r, double pop_start, double *nd, double *fl)
{
    /* Births over the year, net of deaths before the year's end (half a year's exposure to
     * q(0) of each sex): they enter age 0 non-disabled. */
    double births = r->birth_rate * pop_start;
    double born[DP_N_SEX] = {births * r->sex_male_birth, births * (1.0 - r->sex_male_birth)};
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        born[sex] *= 1.0 - 0.5 * r->q_nd[sex * DP_N_AGE];
        fl[DP_FL_BIRTHS] += born[sex];
    }
    /* Net migration by the age schedule of the year (rates.c, dp_rates_migration). */
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double mig = nd[sa] * r->migration_nd[sa % DP_N_AGE];
        nd[sa] += mig;
        fl[DP_FL_MIGRATION_ND] += mig;
    }
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        double *n = nd + sex * DP_N_AGE;
        n[DP_MAX_AGE] += n[DP_MAX_AGE - 1];
        memmove(n + 1, n, (DP_MAX_AGE - 1) * sizeof *n);
        n[0] = born[sex];
    }
}
