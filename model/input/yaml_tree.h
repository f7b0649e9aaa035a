/* model/input/yaml_tree.h
 *
 * Private to the library: YAML files as trees of maps, lists and scalars (libyaml's event
 * parser), each node marked with the file, line and column (1-based; columns count characters)
 * where it was written, so that every input error can read "FILE:LINE:COL: what was expected".
 * Also here: the deep merge used by `extends:`, the YAML writer for resolved trees, and typed
 * readers that produce the project's standard error messages ("PATH: expected X, got Y").
 * Used by scenario.c and region.c. Trees are small (a scenario has about a hundred nodes; a
 * region list may have a few thousand items): plain arrays and linear key search are enough.
 */
#ifndef DPSIM_YAML_TREE_H
#define DPSIM_YAML_TREE_H

#include <stddef.h>

#include "core/ctx.h"
#include "core/sha256.h"

typedef enum { DP_YSCALAR = 0, DP_YMAP, DP_YSEQ } dp_ykind;

typedef struct dp_ynode dp_ynode;
struct dp_ynode {
    dp_ykind kind;    /**< scalar, map or sequence */
    const char *file; /**< where it was written; borrowed, must outlive the node */
    int line;         /**< 1-based line */
    int col;          /**< 1-based column (characters) */
    char *text;       /**< scalar: its text (owned, NUL-terminated); NULL otherwise */
    int plain;        /**< scalar: written without quotes (only plain scalars are numbers) */
    size_t n;         /**< map: number of pairs; sequence: number of items */
    size_t cap;       /**< allocated slots in key and val */
    dp_ynode **key;   /**< map: key scalars, in file order (owned); NULL for sequences */
    dp_ynode **val;   /**< map: values; sequence: items (owned) */
};

enum { DP_YTREE_MAX_DEPTH = 64 };

/* Reads the file at path, computes the SHA-256 of its bytes into sha256 (65 chars, may be NULL)
 * and parses them into *out. path is borrowed and must outlive the tree (nodes point at it).
 * An empty file (no document) gives *out = NULL and DP_OK. Errors: DP_EINPUT "PATH: cannot open:
 * REASON" or "PATH:L:C: YAML syntax error: PROBLEM" (also duplicate keys, aliases, tags, more
 * than one document); DP_EIO on a read error; DP_ENOMEM. */
dp_status dp_ytree_load(dp_ctx *ctx, const char *path, dp_ynode **out, char *sha256);

/* Parses len bytes of YAML text (file names the text in messages; borrowed). */
dp_status dp_ytree_parse(dp_ctx *ctx, const char *file, const unsigned char *buf, size_t len,
                         dp_ynode **out);

/* Frees a node and everything under it; NULL is a no-op. */
void dp_ynode_free(dp_ynode *node);

/* Deep copy (file pointers are shared). NULL when out of memory. */
dp_ynode *dp_ynode_copy(const dp_ynode *node);

/* New plain scalar with the given position. NULL when out of memory. */
dp_ynode *dp_ynode_scalar(const char *file, int line, int col, const char *text);

/* Map lookup: the value under key, or NULL (also when map is not a map). */
dp_ynode *dp_ymap_get(const dp_ynode *map, const char *key);
/* Map lookup: the key node itself, or NULL. */
dp_ynode *dp_ymap_key(const dp_ynode *map, const char *key);
/* Removes the pair under key and returns its value (the caller owns it; the key node is
 * returned through key_out if non-NULL, else freed). NULL if absent. */
dp_ynode *dp_ymap_take(dp_ynode *map, const char *key, dp_ynode **key_out);
/* Appends a pair to a map (takes ownership of both). DP_ENOMEM on failure (then both freed). */
dp_status dp_ymap_append(dp_ynode *map, dp_ynode *key, dp_ynode *val);

/* True if node is a non-empty map whose keys are all plain integers: a date-ranged value. */
int dp_ynode_is_dated(const dp_ynode *node);

/* True if node is a map with a `dist` key: a parameter distribution ({dist: normal, ...}). */
int dp_ynode_is_dist(const dp_ynode *node);

/* Deep merge for `extends:`. Consumes base and overlay and returns the merged tree. Two maps
 * merge key by key (recursively; the base's key order, then the overlay's new keys; the merged
 * map takes the overlay's position); anything else, and any date-ranged value or distribution
 * on either side, is replaced by the overlay (a normal over a lognormal must not keep the
 * lognormal's `median`). NULL when out of memory. */
dp_ynode *dp_ytree_merge(dp_ynode *base, dp_ynode *overlay);

/* Writes the tree as YAML text (UTF-8, block style; short maps and lists of simple scalars in
 * flow style; quoted scalars stay double-quoted, so the text parses to an equal tree). *text is
 * malloc'd; the caller frees it. */
dp_status dp_ytree_emit(dp_ctx *ctx, const dp_ynode *root, char **text);

/* --- Errors and typed reading ---------------------------------------------------------- */

/* Records DP_EINPUT with "FILE:LINE:COL: " (node's position) followed by the formatted text. */
dp_status dp_yerror(dp_ctx *ctx, const dp_ynode *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Describes a node for "got ...": a number's text as written, 'text' for other scalars,
 * "nothing" for an empty plain scalar, "a map", "a list", "an empty map", "an empty list". */
void dp_ydescribe(const dp_ynode *node, char *buf, size_t size);

/* "PATH: expected WHAT, got DESCRIPTION" at node (PATH and ": " omitted when path is ""). */
dp_status dp_yexpected(dp_ctx *ctx, const dp_ynode *node, const char *path, const char *what);

/* Joins parent and key with a dot into buf ("" parent gives key). */
void dp_ypath(char *buf, size_t size, const char *parent, const char *key);

/* True if node is a plain scalar holding a finite decimal number / an integer. */
int dp_yparse_number(const dp_ynode *node, double *out);
int dp_yparse_int(const dp_ynode *node, long *out);

/* A number in [min, max] (what: the phrase after "expected", e.g. "a probability in [0, 1]"). */
dp_status dp_yget_number(dp_ctx *ctx, const dp_ynode *node, const char *path, const char *what,
                         double min, double max, double *out);
/* A money amount in yuan: a number, or a number followed (after optional spaces) by a unit:
 * `yuan` or `元` (x 1), `万` or `万元` (x 10,000), so that 3100万 is 31,000,000. Returns 1 with
 * the amount in yuan in *out, 0 when node is no number, -1 when it is a number followed by
 * something else (an unknown unit). Only plain scalars. */
int dp_yparse_amount(const dp_ynode *node, double *out);
/* The units dp_yparse_amount accepts, as a phrase for messages. */
extern const char dp_yamount_units[];
/* An amount (dp_yparse_amount) in [min, max]; an unknown unit is "PATH: expected WHAT, got
 * 'TEXT': an unknown unit (amounts are in yuan; the units accepted are ...)". */
dp_status dp_yget_amount(dp_ctx *ctx, const dp_ynode *node, const char *path, const char *what,
                         double min, double max, double *out);
/* An integer in [min, max]. */
dp_status dp_yget_int(dp_ctx *ctx, const dp_ynode *node, const char *path, const char *what,
                      long min, long max, int *out);
/* true / false (also True, TRUE, False, FALSE) into 1 / 0. */
dp_status dp_yget_bool(dp_ctx *ctx, const dp_ynode *node, const char *path, int *out);
/* A scalar's text copied into buf[size]; longer text is an error, and so is empty text when
 * nonempty is set. */
dp_status dp_yget_text(dp_ctx *ctx, const dp_ynode *node, const char *path, char *buf, size_t size,
                       int nonempty);

/* Every key of map must be one of keys[0..n_keys): else "unknown key 'PATH.KEY'", with
 * " (did you mean 'K'?)" for the closest known key within edit distance 2. map must be a map. */
dp_status dp_ycheck_keys(dp_ctx *ctx, const dp_ynode *map, const char *path,
                         const char *const *keys, size_t n_keys);
/* The unknown-key error itself (key is the offending key node). */
dp_status dp_yunknown(dp_ctx *ctx, const dp_ynode *key, const char *path, const char *const *keys,
                      size_t n_keys);
/* Value under key, or "missing required key 'PATH.KEY'" at the map. */
dp_status dp_yrequire(dp_ctx *ctx, const dp_ynode *map, const char *path, const char *key,
                      dp_ynode **out);

/* Optimal-string-alignment edit distance (insert, delete, substitute, swap neighbours). */
size_t dp_edit_distance(const char *a, const char *b);


#endif
