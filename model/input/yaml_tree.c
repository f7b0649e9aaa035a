/* model/input/yaml_tree.c
 *
 * YAML text to a tree of positioned nodes and back, the `extends:` merge, and the typed readers
 * behind every input error message of the scenario and region loaders (see yaml_tree.h).
 * Invariants: every node has a file and a 1-based line and column; map keys are scalars and
 * unique within their map; a tree owns all its nodes. Anchors are accepted but aliases, tags
 * and multi-document files are refused, so a tree is exactly what the text shows.
 * Workload: a few files of a few kilobytes per run; recursion depth is capped at 64.
 */
#include "core/util.h"
#include "input/yaml_tree.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <yaml.h>

enum { MAX_FILE_BYTES = 16 * 1024 * 1024 };

/* ------------------------------------------------------------------------------------------ */
/* Nodes */

static dp_ynode *
node_new(dp_ykind kind, const char *file, int line, int col)
{
    dp_ynode *node = calloc(1, sizeof *node);
    if (node) {
        node->kind = kind;
        node->file = file;
        node->line = line;
        node->col = col;
    }
    return node;
}

void
dp_ynode_free(dp_ynode *node)
{
    if (!node) {
        return;
    }
    for (size_t i = 0; i < node->n; i++) {
        if (node->key) {
            dp_ynode_free(node->key[i]);
        }
        dp_ynode_free(node->val[i]);
    }
    free(node->key);
    free(node->val);
    free(node->text);
    free(node);
}

dp_ynode *
dp_ynode_scalar(const char *file, int line, int col, const char *text)
{
    dp_ynode *node = node_new(DP_YSCALAR, file, line, col);
    if (!node) {
        return NULL;
    }
    node->text = dp_strdup(text);
    if (!node->text) {
        free(node);
        return NULL;
    }
    node->plain = 1;
    return node;
}

/* Makes room for one more child. Returns 0 when out of memory. */
static int
node_grow(dp_ynode *node)
{
    if (node->n < node->cap) {
        return 1;
    }
    size_t cap = node->cap ? 2 * node->cap : 4;
    dp_ynode **val = realloc(node->val, cap * sizeof *val);
    if (!val) {
        return 0;
    }
    node->val = val;
    if (node->kind == DP_YMAP) {
        dp_ynode **key = realloc(node->key, cap * sizeof *key);
        if (!key) {
            return 0;
        }
        node->key = key;
    }
    node->cap = cap;
    return 1;
}

dp_status
dp_ymap_append(dp_ynode *map, dp_ynode *key, dp_ynode *val)
{
    if (!node_grow(map)) {
        dp_ynode_free(key);
        dp_ynode_free(val);
        return DP_ENOMEM;
    }
    map->key[map->n] = key;
    map->val[map->n] = val;
    map->n++;
    return DP_OK;
}

dp_ynode *
dp_ynode_copy(const dp_ynode *node)
{
    if (!node) {
        return NULL;
    }
    dp_ynode *copy = node_new(node->kind, node->file, node->line, node->col);
    if (!copy) {
        return NULL;
    }
    copy->plain = node->plain;
    if (node->text && !(copy->text = dp_strdup(node->text))) {
        goto fail;
    }
    for (size_t i = 0; i < node->n; i++) {
        if (!node_grow(copy)) {
            goto fail;
        }
        dp_ynode *val = dp_ynode_copy(node->val[i]);
        dp_ynode *key = node->key ? dp_ynode_copy(node->key[i]) : NULL;
        if (!val || (node->key && !key)) {
            dp_ynode_free(val);
            dp_ynode_free(key);
            goto fail;
        }
        if (copy->key) {
            copy->key[copy->n] = key;
        }
        copy->val[copy->n] = val;
        copy->n++;
    }
    return copy;
fail:
    dp_ynode_free(copy);
    return NULL;
}

static long
map_index(const dp_ynode *map, const char *key)
{
    if (!map || map->kind != DP_YMAP) {
        return -1;
    }
    for (size_t i = 0; i < map->n; i++) {
        if (strcmp(map->key[i]->text, key) == 0) {
            return (long)i;
        }
    }
    return -1;
}

dp_ynode *
dp_ymap_get(const dp_ynode *map, const char *key)
{
    long i = map_index(map, key);
    return i < 0 ? NULL : map->val[i];
}

dp_ynode *
dp_ymap_key(const dp_ynode *map, const char *key)
{
    long i = map_index(map, key);
    return i < 0 ? NULL : map->key[i];
}

dp_ynode *
dp_ymap_take(dp_ynode *map, const char *key, dp_ynode **key_out)
{
    long i = map_index(map, key);
    if (i < 0) {
        return NULL;
    }
    dp_ynode *k = map->key[i];
    dp_ynode *v = map->val[i];
    for (size_t j = (size_t)i + 1; j < map->n; j++) {
        map->key[j - 1] = map->key[j];
        map->val[j - 1] = map->val[j];
    }
    map->n--;
    if (key_out) {
        *key_out = k;
    } else {
        dp_ynode_free(k);
    }
    return v;
}

/* ------------------------------------------------------------------------------------------ */
/* Scalars */

/* Decimal number syntax: [+-] digits [. digits] [e [+-] digits], at least one mantissa digit. */
static int
number_syntax(const char *s)
{
    size_t digits = 0;
    if (*s == '+' || *s == '-') {
        s++;
    }
    while (*s >= '0' && *s <= '9') {
        s++;
        digits++;
    }
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') {
            s++;
            digits++;
        }
    }
    if (digits == 0) {
        return 0;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') {
            s++;
        }
        if (!(*s >= '0' && *s <= '9')) {
            return 0;
        }
        while (*s >= '0' && *s <= '9') {
            s++;
        }
    }
    return *s == '\0';
}

static int
int_syntax(const char *s)
{
    if (*s == '+' || *s == '-') {
        s++;
    }
    if (!(*s >= '0' && *s <= '9')) {
        return 0;
    }
    while (*s >= '0' && *s <= '9') {
        s++;
    }
    return *s == '\0';
}

static int
bool_word(const char *s, int *value)
{
    static const char *const yes[] = {"true", "True", "TRUE"};
    static const char *const no[] = {"false", "False", "FALSE"};
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *value = 1;
            return 1;
        }
        if (strcmp(s, no[i]) == 0) {
            *value = 0;
            return 1;
        }
    }
    return 0;
}

int
dp_yparse_number(const dp_ynode *node, double *out)
{
    if (!node || node->kind != DP_YSCALAR || !node->plain || !number_syntax(node->text)) {
        return 0;
    }
    errno = 0;
    double v = strtod(node->text, NULL);
    if (!isfinite(v)) {
        return 0;
    }
    *out = v;
    return 1;
}

int
dp_yparse_int(const dp_ynode *node, long *out)
{
    if (!node || node->kind != DP_YSCALAR || !node->plain || !int_syntax(node->text)) {
        return 0;
    }
    errno = 0;
    long v = strtol(node->text, NULL, 10);
    if (errno == ERANGE) {
        return 0;
    }
    *out = v;
    return 1;
}

int
dp_ynode_is_dated(const dp_ynode *node)
{
    long year;
    if (!node || node->kind != DP_YMAP || node->n == 0) {
        return 0;
    }
    for (size_t i = 0; i < node->n; i++) {
        if (!dp_yparse_int(node->key[i], &year)) {
            return 0;
        }
    }
    return 1;
}

int
dp_ynode_is_dist(const dp_ynode *node)
{
    return node && node->kind == DP_YMAP && map_index(node, "dist") >= 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Errors */

dp_status
dp_yerror(dp_ctx *ctx, const dp_ynode *node, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dp_error(ctx, DP_EINPUT, "%s:%d:%d: %s", node->file, node->line, node->col, msg);
}

void
dp_ydescribe(const dp_ynode *node, char *buf, size_t size)
{
    int dummy;
    if (!node) {
        snprintf(buf, size, "nothing");
    } else if (node->kind == DP_YMAP) {
        snprintf(buf, size, node->n ? "a map" : "an empty map");
    } else if (node->kind == DP_YSEQ) {
        snprintf(buf, size, node->n ? "a list" : "an empty list");
    } else if (node->plain && node->text[0] == '\0') {
        snprintf(buf, size, "nothing");
    } else if (node->plain && number_syntax(node->text)) {
        snprintf(buf, size, "%s", node->text);
    } else {
        /* Long text is cut on a UTF-8 character boundary. */
        char shown[48];
        size_t len = strlen(node->text);
        if (len < 40) {
            snprintf(shown, sizeof shown, "%s", node->text);
        } else {
            size_t cut = 36;
            while (cut > 0 && ((unsigned char)node->text[cut] & 0xc0) == 0x80) {
                cut--;
            }
            snprintf(shown, sizeof shown, "%.*s...", (int)cut, node->text);
        }
        if (!node->plain && (number_syntax(node->text) || bool_word(node->text, &dummy))) {
            snprintf(buf, size, "'%s' in quotes (write it without quotes)", shown);
        } else {
            snprintf(buf, size, "'%s'", shown);
        }
    }
}

dp_status
dp_yexpected(dp_ctx *ctx, const dp_ynode *node, const char *path, const char *what)
{
    char got[128];
    dp_ydescribe(node, got, sizeof got);
    return dp_yerror(ctx, node, "%s%sexpected %s, got %s", path, *path ? ": " : "", what, got);
}

void
dp_ypath(char *buf, size_t size, const char *parent, const char *key)
{
    if (*parent) {
        snprintf(buf, size, "%s.%s", parent, key);
    } else {
        snprintf(buf, size, "%s", key);
    }
}

dp_status
dp_yget_number(dp_ctx *ctx, const dp_ynode *node, const char *path, const char *what, double min,
               double max, double *out)
{
    double v;
    if (!dp_yparse_number(node, &v) || !(v >= min && v <= max)) {
        return dp_yexpected(ctx, node, path, what);
    }
    *out = v;
    return DP_OK;
}

/* The units a money amount may carry after its number, and their factors to yuan. */
static const struct {
    const char *text;
    double factor;
} money_unit[] = {{"", 1.0}, {"yuan", 1.0}, {"元", 1.0}, {"万", 1e4}, {"万元", 1e4}};

const char dp_yamount_units[] = "yuan, 元, 万 (10,000 yuan) or 万元: 31000000, 31000000 yuan "
                                "and 3100万 are the same amount";

int
dp_yparse_amount(const dp_ynode *node, double *out)
{
    if (dp_yparse_number(node, out)) {
        return 1;
    }
    if (!node || node->kind != DP_YSCALAR || !node->plain) {
        return 0;
    }
    /* The number: the longest prefix of number characters; then spaces, then the unit. */
    const char *s = node->text;
    size_t n = strspn(s, "0123456789+-.eE");
    char num[64];
    if (n == 0 || n >= sizeof num) {
        return 0;
    }
    memcpy(num, s, n);
    num[n] = '\0';
    if (!number_syntax(num)) {
        return 0;
    }
    const char *unit = s + n;
    while (*unit == ' ') {
        unit++;
    }
    double v = strtod(num, NULL);
    for (size_t i = 1; i < sizeof money_unit / sizeof money_unit[0]; i++) {
        if (strcmp(unit, money_unit[i].text) == 0 ||
            (i == 1 && strcasecmp(unit, money_unit[i].text) == 0)) {
            v *= money_unit[i].factor;
            if (!isfinite(v)) {
                return 0;
            }
            *out = v;
            return 1;
        }
    }
    return -1;
}

dp_status
dp_yget_amount(dp_ctx *ctx, const dp_ynode *node, const char *path, const char *what, double min,
               double max, double *out)
{
    double v;
    int r = dp_yparse_amount(node, &v);
    if (r == 1 && v >= min && v <= max) {
        *out = v;
        return DP_OK;
    }
    if (r < 0) {
        return dp_yerror(ctx, node,
                         "%s%sexpected %s, got '%s': an unknown unit (amounts are in yuan; the "
                         "units accepted are %s)",
                         path, *path ? ": " : "", what, node->text, dp_yamount_units);
    }
    return dp_yexpected(ctx, node, path, what);
}

dp_status
dp_yget_int(dp_ctx *ctx, const dp_ynode *node, const char *path, const char *what, long min,
            long max, int *out)
{
    long v;
    if (!dp_yparse_int(node, &v) || v < min || v > max) {
        return dp_yexpected(ctx, node, path, what);
    }
    *out = (int)v;
    return DP_OK;
}

dp_status
dp_yget_bool(dp_ctx *ctx, const dp_ynode *node, const char *path, int *out)
{
    if (node->kind != DP_YSCALAR || !node->plain || !bool_word(node->text, out)) {
        return dp_yexpected(ctx, node, path, "true or false");
    }
    return DP_OK;
}

dp_status
dp_yget_text(dp_ctx *ctx, const dp_ynode *node, const char *path, char *buf, size_t size,
             int nonempty)
{
    if (node->kind != DP_YSCALAR) {
        return dp_yexpected(ctx, node, path, nonempty ? "non-empty text" : "text");
    }
    if (nonempty && node->text[0] == '\0') {
        return dp_yexpected(ctx, node, path, "non-empty text");
    }
    if (strlen(node->text) >= size) {
        return dp_yerror(ctx, node, "%s: expected text of at most %zu bytes, got %zu bytes", path,
                         size - 1, strlen(node->text));
    }
    memcpy(buf, node->text, strlen(node->text) + 1);
    return DP_OK;
}

size_t
dp_edit_distance(const char *a, const char *b)
{
    enum { MAXLEN = 64 };
    size_t la = strlen(a), lb = strlen(b);
    size_t d[MAXLEN + 1][MAXLEN + 1];
    if (la > MAXLEN || lb > MAXLEN) {
        return la > lb ? la : lb;
    }
    for (size_t i = 0; i <= la; i++) {
        d[i][0] = i;
    }
    for (size_t j = 0; j <= lb; j++) {
        d[0][j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) {
                best = d[i][j - 1] + 1;
            }
            if (d[i - 1][j - 1] + cost < best) {
                best = d[i - 1][j - 1] + cost;
            }
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best) {
                best = d[i - 2][j - 2] + 1;
            }
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

dp_status
dp_yunknown(dp_ctx *ctx, const dp_ynode *key, const char *path, const char *const *keys,
            size_t n_keys)
{
    char full[256];
    const char *best = NULL;
    size_t best_d = 3;
    size_t len = strlen(key->text);
    for (size_t i = 0; i < n_keys; i++) {
        size_t d = dp_edit_distance(key->text, keys[i]);
        /* Within 2 edits, and fewer edits than the key has characters ('x' is not 'id'). */
        if (d < best_d && d < len) {
            best = keys[i];
            best_d = d;
        }
    }
    dp_ypath(full, sizeof full, path, key->text);
    if (best) {
        return dp_yerror(ctx, key, "unknown key '%s' (did you mean '%s'?)", full, best);
    }
    return dp_yerror(ctx, key, "unknown key '%s'", full);
}

dp_status
dp_ycheck_keys(dp_ctx *ctx, const dp_ynode *map, const char *path, const char *const *keys,
               size_t n_keys)
{
    for (size_t i = 0; i < map->n; i++) {
        size_t k = 0;
        while (k < n_keys && strcmp(map->key[i]->text, keys[k]) != 0) {
            k++;
        }
        if (k == n_keys) {
            return dp_yunknown(ctx, map->key[i], path, keys, n_keys);
        }
    }
    return DP_OK;
}

dp_status
dp_yrequire(dp_ctx *ctx, const dp_ynode *map, const char *path, const char *key, dp_ynode **out)
{
    char full[256];
    *out = dp_ymap_get(map, key);
    if (*out) {
        return DP_OK;
    }
    dp_ypath(full, sizeof full, path, key);
    return dp_yerror(ctx, map, "missing required key '%s'", full);
}

/* ------------------------------------------------------------------------------------------ */
/* Parsing (libyaml events) */

typedef struct {
    dp_ctx *ctx;
    const char *file;
    const unsigned char *buf; /**< the text, to place reader errors */
    size_t len;
    yaml_parser_t parser;
    yaml_event_t ev; /**< the current event */
    int have_ev;     /**< ev must be deleted */
} reader;

/* 1-based line and column of byte offset in the text (columns count UTF-8 characters). */
static void
offset_position(const reader *r, size_t offset, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset && i < r->len; i++) {
        if (r->buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if ((r->buf[i] & 0xc0) != 0x80) {
            (*col)++;
        }
    }
}

static dp_status
next_event(reader *r)
{
    if (r->have_ev) {
        yaml_event_delete(&r->ev);
        r->have_ev = 0;
    }
    if (!yaml_parser_parse(&r->parser, &r->ev)) {
        const yaml_parser_t *p = &r->parser;
        int line, col;
        if (p->error == YAML_MEMORY_ERROR) {
            return dp_error(r->ctx, DP_ENOMEM, "%s: out of memory while parsing", r->file);
        }
        if (p->error == YAML_READER_ERROR) {
            offset_position(r, p->problem_offset, &line, &col);
        } else {
            line = (int)p->problem_mark.line + 1;
            col = (int)p->problem_mark.column + 1;
        }
        return dp_error(r->ctx, DP_EINPUT, "%s:%d:%d: YAML syntax error: %s", r->file, line, col,
                        p->problem ? p->problem : "unknown problem");
    }
    r->have_ev = 1;
    return DP_OK;
}

static dp_status
event_error(reader *r, const char *what)
{
    return dp_error(r->ctx, DP_EINPUT, "%s:%d:%d: %s", r->file, (int)r->ev.start_mark.line + 1,
                    (int)r->ev.start_mark.column + 1, what);
}

/* Parses the node whose first event is current into *out. */
static dp_status
parse_node(reader *r, int depth, dp_ynode **out)
{
    dp_status rc = DP_OK;
    dp_ynode *node = NULL;
    dp_ynode *key = NULL;
    dp_ynode *val = NULL;
    int line = (int)r->ev.start_mark.line + 1;
    int col = (int)r->ev.start_mark.column + 1;

    *out = NULL;
    if (depth > DP_YTREE_MAX_DEPTH) {
        return event_error(r, "YAML nesting deeper than 64 levels");
    }
    switch (r->ev.type) {
    case YAML_ALIAS_EVENT:
        return event_error(r, "YAML aliases (*name) are not supported");
    case YAML_SCALAR_EVENT:
        if (r->ev.data.scalar.tag) {
            return event_error(r, "YAML tags (!tag) are not supported");
        }
        if (memchr(r->ev.data.scalar.value, '\0', r->ev.data.scalar.length)) {
            return event_error(r, "text contains a NUL character");
        }
        node = node_new(DP_YSCALAR, r->file, line, col);
        if (!node || !(node->text = dp_strdup((const char *)r->ev.data.scalar.value))) {
            rc = dp_error(r->ctx, DP_ENOMEM, "out of memory");
            goto out;
        }
        node->plain = r->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        break;
    case YAML_SEQUENCE_START_EVENT:
        if (r->ev.data.sequence_start.tag) {
            return event_error(r, "YAML tags (!tag) are not supported");
        }
        node = node_new(DP_YSEQ, r->file, line, col);
        if (!node) {
            rc = dp_error(r->ctx, DP_ENOMEM, "out of memory");
            goto out;
        }
        for (;;) {
            if ((rc = next_event(r)) != DP_OK) {
                goto out;
            }
            if (r->ev.type == YAML_SEQUENCE_END_EVENT) {
                break;
            }
            if ((rc = parse_node(r, depth + 1, &val)) != DP_OK) {
                goto out;
            }
            if (!node_grow(node)) {
                rc = dp_error(r->ctx, DP_ENOMEM, "out of memory");
                goto out;
            }
            node->val[node->n++] = val;
            val = NULL;
        }
        break;
    case YAML_MAPPING_START_EVENT:
        if (r->ev.data.mapping_start.tag) {
            return event_error(r, "YAML tags (!tag) are not supported");
        }
        node = node_new(DP_YMAP, r->file, line, col);
        if (!node) {
            rc = dp_error(r->ctx, DP_ENOMEM, "out of memory");
            goto out;
        }
        for (;;) {
            if ((rc = next_event(r)) != DP_OK) {
                goto out;
            }
            if (r->ev.type == YAML_MAPPING_END_EVENT) {
                break;
            }
            if (r->ev.type != YAML_SCALAR_EVENT) {
                rc = event_error(r, "a map key must be plain or quoted text");
                goto out;
            }
            if ((rc = parse_node(r, depth + 1, &key)) != DP_OK) {
                goto out;
            }
            dp_ynode *first = dp_ymap_key(node, key->text);
            if (first) {
                rc = dp_yerror(r->ctx, key, "duplicate key '%s' (first at line %d)", key->text,
                               first->line);
                goto out;
            }
            if ((rc = next_event(r)) != DP_OK) {
                goto out;
            }
            if ((rc = parse_node(r, depth + 1, &val)) != DP_OK) {
                goto out;
            }
            /* A missing value ("key:" alone) is an empty scalar placed where its key is. */
            if (val->kind == DP_YSCALAR && val->plain && val->text[0] == '\0') {
                val->line = key->line;
                val->col = key->col;
            }
            rc = dp_ymap_append(node, key, val);
            key = NULL;
            val = NULL;
            if (rc != DP_OK) {
                rc = dp_error(r->ctx, DP_ENOMEM, "out of memory");
                goto out;
            }
        }
        break;
    default:
        return event_error(r, "unexpected YAML event");
    }
    *out = node;
    node = NULL;
out:
    dp_ynode_free(node);
    dp_ynode_free(key);
    dp_ynode_free(val);
    return rc;
}

dp_status
dp_ytree_parse(dp_ctx *ctx, const char *file, const unsigned char *buf, size_t len, dp_ynode **out)
{
    dp_status rc = DP_OK;
    dp_ynode *root = NULL;
    reader r = {.ctx = ctx, .file = file, .buf = buf, .len = len};

    *out = NULL;
    if (!yaml_parser_initialize(&r.parser)) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    yaml_parser_set_input_string(&r.parser, buf, len);
    if ((rc = next_event(&r)) != DP_OK) { /* stream start */
        goto out;
    }
    if ((rc = next_event(&r)) != DP_OK) {
        goto out;
    }
    if (r.ev.type == YAML_STREAM_END_EVENT) {
        goto out; /* no document at all: *out stays NULL */
    }
    if ((rc = next_event(&r)) != DP_OK) { /* after document start: the root node */
        goto out;
    }
    if ((rc = parse_node(&r, 0, &root)) != DP_OK) {
        goto out;
    }
    if ((rc = next_event(&r)) != DP_OK) { /* document end */
        goto out;
    }
    if ((rc = next_event(&r)) != DP_OK) {
        goto out;
    }
    if (r.ev.type != YAML_STREAM_END_EVENT) {
        rc = event_error(&r, "only one YAML document is allowed in a file");
        goto out;
    }
    *out = root;
    root = NULL;
out:
    if (r.have_ev) {
        yaml_event_delete(&r.ev);
    }
    yaml_parser_delete(&r.parser);
    dp_ynode_free(root);
    return rc;
}

dp_status
dp_ytree_load(dp_ctx *ctx, const char *path, dp_ynode **out, char *sha256)
{
    char *buf = NULL;
    size_t len = 0;
    *out = NULL;
    dp_status rc = dp_file_read(ctx, path, MAX_FILE_BYTES, &buf, &len);
    if (rc == DP_OK) {
        if (sha256) {
            dp_sha256_hex((const unsigned char *)buf, len, sha256);
        }
        rc = dp_ytree_parse(ctx, path, (const unsigned char *)buf, len, out);
    }
    free(buf);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Merge */

/* Two maps merge key by key unless either is one value written as a map: a date-ranged value
 * or a distribution. */
static int
mergeable(const dp_ynode *a, const dp_ynode *b)
{
    return a->kind == DP_YMAP && b->kind == DP_YMAP && !dp_ynode_is_dated(a) &&
           !dp_ynode_is_dated(b) && !dp_ynode_is_dist(a) && !dp_ynode_is_dist(b);
}

/* Moves overlay's pairs into base (both mergeable maps). Returns 0 when out of memory; both
 * trees stay freeable (moved slots in overlay are set to NULL). */
static int
merge_into(dp_ynode *base, dp_ynode *overlay)
{
    for (size_t i = 0; i < overlay->n; i++) {
        dp_ynode *k = overlay->key[i];
        dp_ynode *v = overlay->val[i];
        long j = map_index(base, k->text);
        if (j >= 0 && mergeable(base->val[j], v)) {
            if (!merge_into(base->val[j], v)) {
                return 0;
            }
            base->val[j]->file = v->file;
            base->val[j]->line = v->line;
            base->val[j]->col = v->col;
            dp_ynode_free(base->key[j]);
            base->key[j] = k;
            overlay->key[i] = NULL;
        } else if (j >= 0) {
            dp_ynode_free(base->key[j]);
            dp_ynode_free(base->val[j]);
            base->key[j] = k;
            base->val[j] = v;
            overlay->key[i] = NULL;
            overlay->val[i] = NULL;
        } else {
            if (!node_grow(base)) {
                return 0;
            }
            base->key[base->n] = k;
            base->val[base->n] = v;
            base->n++;
            overlay->key[i] = NULL;
            overlay->val[i] = NULL;
        }
    }
    return 1;
}

dp_ynode *
dp_ytree_merge(dp_ynode *base, dp_ynode *overlay)
{
    if (!base) {
        return overlay;
    }
    if (!overlay) {
        return base;
    }
    if (!mergeable(base, overlay)) {
        dp_ynode_free(base);
        return overlay;
    }
    if (!merge_into(base, overlay)) {
        dp_ynode_free(base);
        dp_ynode_free(overlay);
        return NULL;
    }
    base->file = overlay->file;
    base->line = overlay->line;
    base->col = overlay->col;
    dp_ynode_free(overlay);
    return base;
}

/* ------------------------------------------------------------------------------------------ */
/* Emitting */

typedef struct {
    char *buf;
    size_t len;
    size_t cap;
} sink;

static int
sink_write(void *data, unsigned char *bytes, size_t size)
{
    sink *s = data;
    if (s->len + size + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (s->len + size + 1 > cap) {
            cap *= 2;
        }
        char *buf = realloc(s->buf, cap);
        if (!buf) {
            return 0;
        }
        s->buf = buf;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, bytes, size);
    s->len += size;
    s->buf[s->len] = '\0';
    return 1;
}

/* Plain text made only of letters, digits and _ . + - (safe in flow style). */
static int
simple_scalar(const dp_ynode *node)
{
    if (node->kind != DP_YSCALAR || !node->plain || node->text[0] == '\0') {
        return 0;
    }
    for (const char *c = node->text; *c; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                 *c == '_' || *c == '.' || *c == '+' || *c == '-';
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

static int
flow_style(const dp_ynode *node)
{
    if (node->n > 8) {
        return 0;
    }
    for (size_t i = 0; i < node->n; i++) {
        if (!simple_scalar(node->val[i]) || (node->key && !simple_scalar(node->key[i]))) {
            return 0;
        }
    }
    return 1;
}

static int
emit_node(yaml_emitter_t *e, const dp_ynode *node)
{
    yaml_event_t ev;
    if (node->kind == DP_YSCALAR) {
        int len = (int)strlen(node->text);
        yaml_scalar_style_t style =
            node->plain ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)node->text, len,
                                          node->plain, 1, style)) {
            return 0;
        }
        return yaml_emitter_emit(e, &ev);
    }
    int flow = flow_style(node);
    if (node->kind == DP_YMAP) {
        if (!yaml_mapping_start_event_initialize(
                &ev, NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE) ||
            !yaml_emitter_emit(e, &ev)) {
            return 0;
        }
    } else {
        if (!yaml_sequence_start_event_initialize(
                &ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE) ||
            !yaml_emitter_emit(e, &ev)) {
            return 0;
        }
    }
    for (size_t i = 0; i < node->n; i++) {
        if ((node->key && !emit_node(e, node->key[i])) || !emit_node(e, node->val[i])) {
            return 0;
        }
    }
    if (node->kind == DP_YMAP) {
        return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
    }
    return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
}

dp_status
dp_ytree_emit(dp_ctx *ctx, const dp_ynode *root, char **text)
{
    dp_status rc = DP_OK;
    yaml_emitter_t e;
    yaml_event_t ev;
    sink s = {0};

    *text = NULL;
    if (!yaml_emitter_initialize(&e)) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    yaml_emitter_set_output(&e, sink_write, &s);
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_width(&e, -1);
    yaml_emitter_set_indent(&e, 2);
    int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
             yaml_emitter_emit(&e, &ev) &&
             yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
             yaml_emitter_emit(&e, &ev);
    if (ok && root) {
        ok = emit_node(&e, root);
    } else if (ok) {
        char empty[1] = "";
        ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)empty, 0, 1, 1,
                                          YAML_PLAIN_SCALAR_STYLE) &&
             yaml_emitter_emit(&e, &ev);
    }
    ok = ok && yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&e, &ev) &&
         yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&e, &ev) &&
         yaml_emitter_flush(&e);
    if (!ok) {
        /* The sink fails only when its buffer cannot grow: a writer error is out of memory. */
        int oom = e.error == YAML_MEMORY_ERROR || e.error == YAML_WRITER_ERROR ||
                  e.error == YAML_NO_ERROR;
        rc = oom ? dp_error(ctx, DP_ENOMEM, "out of memory")
                 : dp_error(ctx, DP_EINTERNAL, "writing YAML text failed: %s",
                            e.problem ? e.problem : "(no detail)");
        free(s.buf);
        goto out;
    }
    *text = s.buf;
out:
    yaml_emitter_delete(&e);
    return rc;
}
