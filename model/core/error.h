/* model/core/error.h
 *
 * Status codes of the dpsim library. Every fallible function returns a dp_status; the message
 * that goes with it is kept in the dp_ctx (see ctx.h). One list expands to the enum and to
 * dp_strerror, so a code and its text cannot drift apart.
 */
#ifndef DPSIM_ERROR_H
#define DPSIM_ERROR_H

#define DP_STATUS_LIST(X)                                                                          \
    X(DP_OK, "success")                                                                            \
    X(DP_ENOMEM, "out of memory")                                                                  \
    X(DP_EINPUT, "invalid input")                                                                  \
    X(DP_EIO, "I/O error")                                                                         \
    X(DP_EHDF5, "HDF5 call failed")                                                                \
    X(DP_EGSL, "GSL call failed")                                                                  \
    X(DP_ENUMERIC, "numerical failure")                                                            \
    X(DP_EINTERNAL, "internal error")

typedef enum {
#define DP_STATUS_ENUM(code, text) code,
    DP_STATUS_LIST(DP_STATUS_ENUM)
#undef DP_STATUS_ENUM
        DP_N_STATUS
} dp_status;

/* Returns a static English description of code; never NULL. */
const char *dp_strerror(dp_status code);

#endif
