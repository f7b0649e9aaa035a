/* model/core/dims.h
 *
 * The model's fixed dimensions and their labels (English and Chinese). A disabled person's
 * state in this slice is (sex, age, type, grade, certified, household status); the cohort engine
 * keeps one expected count per combination ("cell") and region. Cells of one region are stored
 * row-major with household status varying fastest, so the 168 cells of one (sex, age) are
 * contiguous: that block is the state vector the per-(region, sex, age) transitions act on.
 */
#ifndef DPSIM_DIMS_H
#define DPSIM_DIMS_H

#include <stddef.h>

enum { DP_MALE = 0, DP_FEMALE = 1, DP_N_SEX = 2 };
enum { DP_MAX_AGE = 100, DP_N_AGE = 101 }; /* single ages 0..99 and the open group 100+ */
enum {
    DP_VISUAL = 0,
    DP_HEARING,
    DP_SPEECH,
    DP_PHYSICAL,
    DP_INTELLECTUAL,
    DP_MENTAL,
    DP_MULTIPLE,
    DP_N_TYPE
};
enum { DP_N_GRADE = 4 };                  /* index 0 = grade 1 (most severe) .. 3 = grade 4 */
enum { DP_UNCERT = 0, DP_CERT = 1, DP_N_CERT = 2 };
enum { DP_DIBAO = 0, DP_MARGINAL = 1, DP_OTHER = 2, DP_N_HH = 3 };

/* Cells per (sex, age) block and per region. */
enum { DP_N_BLOCK = DP_N_TYPE * DP_N_GRADE * DP_N_CERT * DP_N_HH };
enum { DP_N_CELL = DP_N_SEX * DP_N_AGE * DP_N_BLOCK };

/* Index of (type, grade, cert, hh) inside a (sex, age) block. */
static inline size_t
dp_block_index(size_t type, size_t grade, size_t cert, size_t hh)
{
    return ((type * DP_N_GRADE + grade) * DP_N_CERT + cert) * DP_N_HH + hh;
}

/* The attributes of block index k (inverse of dp_block_index). */
static inline size_t
dp_block_hh(size_t k)
{
    return k % DP_N_HH;
}

static inline size_t
dp_block_cert(size_t k)
{
    return (k / DP_N_HH) % DP_N_CERT;
}

static inline size_t
dp_block_grade(size_t k)
{
    return (k / (DP_N_HH * DP_N_CERT)) % DP_N_GRADE;
}

static inline size_t
dp_block_type(size_t k)
{
    return k / (DP_N_HH * DP_N_CERT * DP_N_GRADE);
}

/* Index of a whole cell inside one region's cell array. */
static inline size_t
dp_cell_index(size_t sex, size_t age, size_t type, size_t grade, size_t cert, size_t hh)
{
    return (sex * DP_N_AGE + age) * DP_N_BLOCK + dp_block_index(type, grade, cert, hh);
}

/* Labels; each array has the dimension's length. */
extern const char *const dp_sex_label[DP_N_SEX];
extern const char *const dp_sex_label_zh[DP_N_SEX];
extern const char *const dp_type_label[DP_N_TYPE];
extern const char *const dp_type_label_zh[DP_N_TYPE];
extern const char *const dp_grade_label[DP_N_GRADE];
extern const char *const dp_grade_label_zh[DP_N_GRADE];
extern const char *const dp_cert_label[DP_N_CERT];
extern const char *const dp_cert_label_zh[DP_N_CERT];
extern const char *const dp_hh_label[DP_N_HH];
extern const char *const dp_hh_label_zh[DP_N_HH];

#endif
