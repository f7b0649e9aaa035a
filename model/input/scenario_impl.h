/* model/input/scenario_impl.h
 *
 * Private to the scenario loader (scenario.c, which reads files) and its key table
 * (scenario_keys.c, which lists every key and describes resolved parameters): the key kinds
 * and the table itself. Every scenario key is one row of the table, in the order of
 * docs/scenarios.md; a row says how the value is read and which member of dp_params it sets.
 * The K_* and F_* names are short because only these two files see them.
 */
#ifndef DPSIM_SCENARIO_IMPL_H
#define DPSIM_SCENARIO_IMPL_H

#include <stddef.h>

#include "input/params.h"
#include "input/region.h"
#include "input/hierarchy.h"
#include "input/scenario.h"
#include "input/yaml_tree.h"

typedef enum {
    K_MAP,        /* a map of further keys (listed with this path as prefix) */
    K_VERSION,    /* dpsim: the integer 1 (checked before the walk) */
    K_NAME,       /* [A-Za-z0-9_.-]{1,63} */
    K_TEXT,       /* free text */
    K_EXTENDS,    /* resolved and removed before validation; listed for "did you mean" */
    K_REGIONS,    /* list of region ids */
    K_YEAR,       /* int year in [min, max] */
    K_NUMBER,     /* double in [min, max] */
    K_PROB,       /* double in [0, 1], or the word (if any) -> NAN */
    K_SCHED,      /* dp_sched: number in [min, max] or date-ranged (flags: F_INTEGER, F_SHARE) */
    K_AMOUNT,     /* dp_sched[DP_N_GRADE] of amounts: one value for all grades, or by grade;
                     the key name must be the one of the programme's dp_prog_pay (aux) */
    K_BOOL,       /* int 0/1 */
    K_YEAR_NEVER, /* int year in [min, max], or the word -> 0 */
    K_TARGETS,    /* list of plan targets, read after the walk (read_targets) */
    K_INT,        /* int in [min, max] */
    K_WORD,       /* int (an enum): the index of the value among word's "|"-separated words */
    K_GRADE_NUM,  /* double[DP_N_GRADE] in [min, max]: one number for all grades, or by grade */
    K_SET,        /* unsigned bit set: a list of the names of set aux (KS_*), or `all` */
    K_AGES,       /* dp_rule's age_min and age_max: [min, max], ages in [min, max] of the row */
    K_FUNDING,    /* map of the levels' shares (rows below it); levels not written are 0 */
    K_EXTENSIONS, /* dp_rule rule[1..]: list of extension rules, read after the walk */
    K_OVERLAPS    /* dp_params.overlap[]: list of overlap rules, read after the walk */
} key_type;

/* Row flags. */
enum {
    F_INTEGER = 1u, /* K_SCHED: whole numbers (ages); never a distribution */
    F_SHARE = 2u    /* K_SCHED: a funding share, summed per year; never a distribution */
};

/* The sets K_SET reads. */
enum { KS_TYPES = 0, KS_GRADES, KS_HH, KS_N };

typedef struct {
    const char *path;  /**< dotted key path */
    key_type type;     /**< how the value is read */
    double min;        /**< lower bound (numbers, years, ints, ages) */
    double max;        /**< upper bound */
    const char *word;  /**< K_PROB, K_YEAR_NEVER: the word accepted instead of a value;
                            K_WORD: the words, "|"-separated, in enum order; K_SCHED: what
                            an unset value means (dp_params_describe's word; not accepted in
                            files) */
    size_t offset;     /**< member of dp_params written */
    unsigned flags;    /**< F_* */
    int aux;           /**< K_AMOUNT: the dp_pay_kind of this key name; K_SET: KS_* */
} key_def;

/* The key table (scenario_keys.c) and its length. */
extern const key_def dp_scenario_keys[];
extern const size_t dp_scenario_n_keys;

/* The row of path, or NULL. */
const key_def *dp_scenario_find_key(const char *path);

/* The settings of one row (dp_params_describe's, for that row only) in year under p: writes at
 * most cap of them to out (which may be NULL when cap is 0) and returns how many the row has. */
size_t dp_scenario_describe_row(const key_def *d, const dp_params *p, int year, dp_setting *out,
                                size_t cap);

/* Programme index of a row whose member lies in dp_params.prog[], else DP_N_PROG. */
size_t dp_scenario_key_prog(const key_def *d);

/* The names of set KS_*: n_out names (K_SET's list items for types and households; grades are
 * written 1..4 in files and named grade1..grade4 in settings). */
const char *const *dp_scenario_set_names(int set, size_t *n_out);

/* ------------------------------------------------------------------------------------------ */
/* The scenario object (scenario.c) and the read of its merged tree (scenario_read.c) */

struct dp_scenario {
    char *name;              /**< `name:` */
    char *title;             /**< `title:` or "" */
    char *data_dir;          /**< folder holding regions/ (copied) */
    dp_params params;        /**< resolved parameters */
    size_t n_region;         /**< regions, in list order */
    dp_region_input *region; /**< their inputs */
    char *text;              /**< resolved tree as YAML */
    size_t n_input;          /**< files read */
    size_t cap_input;        /**< allocated input slots */
    char **input_path;       /**< their paths (as given or as resolved) */
    char (*input_sha)[65];   /**< their SHA-256 digests */
    size_t n_target;         /**< plan targets (`targets:`) */
    dp_target *target;       /**< [n_target], in file order; NULL when none */
    dp_hierarchy *hier;      /**< regions/hierarchy.yaml of the data folder, or NULL (owned) */
};

/* Validates the merged tree root against the key table and writes it into s->params, s->name,
 * s->title and s->target (the lists read after the walk included: extensions, overlaps,
 * targets); *regions receives the `regions:` list for the caller to load. Errors: DP_EINPUT at
 * the file, line and column of the value; DP_ENOMEM. */
dp_status dp_scenario_read(dp_ctx *ctx, dp_scenario *s, const dp_ynode *root,
                           const dp_ynode **regions);

#endif
