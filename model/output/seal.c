/* model/output/seal.c — the seal of a results file and the probe of an unsealed one (seal.h). */
#include "output/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>
#include <nettle/sha2.h>

static const char MAGIC[] = "DPSIM-SHA256 ";

/* The files whose seal matched in this process, by device, inode, size and modification and
 * status-change times: one command opens a file up to three times (summary: read, summary,
 * info), and a 200 MB file would be hashed each time. Any write to the file changes its mtime
 * and ctime (and a rename over it its inode), so the cached verdict is never reused for other
 * bytes except by a program that resets both times on purpose. */
enum { N_VERDICT = 8 };
static struct verdict {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
    int used;
} verdicts[N_VERDICT];
static unsigned next_verdict;
static pthread_mutex_t verdict_lock = PTHREAD_MUTEX_INITIALIZER;

static int
same_file(const struct verdict *v, const struct stat *st)
{
    return v->used && v->dev == st->st_dev && v->ino == st->st_ino && v->size == st->st_size &&
           v->mtime.tv_sec == st->st_mtim.tv_sec && v->mtime.tv_nsec == st->st_mtim.tv_nsec &&
           v->ctime.tv_sec == st->st_ctim.tv_sec && v->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

static int
verdict_known(const struct stat *st)
{
    int known = 0;
    pthread_mutex_lock(&verdict_lock);
    for (int i = 0; i < N_VERDICT && !known; i++) {
        known = same_file(&verdicts[i], st);
    }
    pthread_mutex_unlock(&verdict_lock);
    return known;
}

static void
verdict_keep(const struct stat *st)
{
    pthread_mutex_lock(&verdict_lock);
    struct verdict *v = &verdicts[next_verdict++ % N_VERDICT];
    *v = (struct verdict){st->st_dev, st->st_ino, st->st_size, st->st_mtim, st->st_ctim, 1};
    pthread_mutex_unlock(&verdict_lock);
}

/* SHA-256 of the bytes of fd from DP_SEAL_BYTES to the end, as hex[65]. */
static int
digest_rest(int fd, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    struct sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    static unsigned char buf[1 << 16];
    off_t at = DP_SEAL_BYTES;
    sha256_init(&h);
    for (;;) {
        ssize_t got = pread(fd, buf, sizeof buf, at);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (got == 0) {
            break;
        }
        sha256_update(&h, (size_t)got, buf);
        at += got;
    }
    sha256_digest(&h, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 0x0f];
    }
    hex[64] = '\0';
    return 0;
}

dp_status
dp_seal_write(dp_ctx *ctx, const char *path)
{
    int fd = open(path, O_RDWR);
    if (fd < 0) {
        return dp_error(ctx, DP_EIO, "%s: cannot reopen to seal it: %s", path, strerror(errno));
    }
    char hex[65], block[DP_SEAL_BYTES];
    if (digest_rest(fd, hex) != 0) {
        int err = errno;
        close(fd);
        return dp_error(ctx, DP_EIO, "%s: cannot read it back to seal it: %s", path,
                        strerror(err));
    }
    memset(block, 0, sizeof block);
    snprintf(block, sizeof block,
             "%s%s\nThe SHA-256 above is of this file's bytes %d to the end, written by dpsim "
             "when the file was complete (docs/output-schema.md, section \"The seal\").\n",
             MAGIC, hex, DP_SEAL_BYTES);
    ssize_t put = pwrite(fd, block, sizeof block, 0);
    if (put != (ssize_t)sizeof block) {
        int err = put < 0 ? errno : ENOSPC;
        close(fd);
        return dp_error(ctx, DP_EIO, "%s: cannot write its seal: %s", path, strerror(err));
    }
    if (close(fd) != 0) {
        return dp_error(ctx, DP_EIO, "%s: cannot write its seal: %s", path, strerror(errno));
    }
    return DP_OK;
}

dp_status
dp_seal_check(dp_ctx *ctx, const char *path, dp_seal_state *state)
{
    *state = DP_SEAL_NONE;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return dp_error(ctx, DP_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat before = {0}, after;
    if (fstat(fd, &before) == 0 && S_ISREG(before.st_mode) && verdict_known(&before)) {
        close(fd);
        *state = DP_SEAL_OK;
        return DP_OK;
    }
    char head[sizeof MAGIC - 1 + 65];
    ssize_t got = pread(fd, head, sizeof head, 0);
    if (got == (ssize_t)sizeof head && memcmp(head, MAGIC, sizeof MAGIC - 1) == 0 &&
        head[sizeof head - 1] == '\n') {
        char hex[65];
        if (digest_rest(fd, hex) != 0) {
            int err = errno;
            close(fd);
            return dp_error(ctx, DP_EINPUT, "%s: cannot read: %s", path, strerror(err));
        }
        *state = memcmp(hex, head + sizeof MAGIC - 1, 64) == 0 ? DP_SEAL_OK : DP_SEAL_CHANGED;
        /* Kept only when nothing changed the file while it was hashed. */
        if (*state == DP_SEAL_OK && S_ISREG(before.st_mode) && fstat(fd, &after) == 0) {
            struct verdict v = {before.st_dev, before.st_ino, before.st_size, before.st_mtim,
                                before.st_ctim, 1};
            if (same_file(&v, &after)) {
                verdict_keep(&after);
            }
        }
    }
    close(fd);
    return DP_OK;
}

/* The child's reads: the whole of one attribute (is_attr) or dataset, in its own type (at most
 * 4 GiB: a larger one is not dpsim's), variable-length data reclaimed. Errors are ignored: only
 * a crash matters here. */
static void
read_whole(hid_t obj, int is_attr)
{
    hid_t ft = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t mt = ft >= 0 ? H5Tget_native_type(ft, H5T_DIR_ASCEND) : H5I_INVALID_HID;
    hid_t sp = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    size_t sz = mt >= 0 ? H5Tget_size(mt) : 0;
    if (n >= 0 && sz > 0 && (size_t)n < ((size_t)1 << 32) / sz) {
        void *buf = calloc((size_t)n + 1, sz);
        herr_t got = !buf ? -1
                     : is_attr ? H5Aread(obj, mt, buf)
                               : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        if (got >= 0 && (H5Tdetect_class(mt, H5T_VLEN) > 0 || H5Tis_variable_str(mt) > 0)) {
            H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, buf);
        }
        free(buf);
    }
    if (sp >= 0) {
        H5Sclose(sp);
    }
    if (mt >= 0) {
        H5Tclose(mt);
    }
    if (ft >= 0) {
        H5Tclose(ft);
    }
}

static herr_t
read_attr(hid_t obj, const char *name, const H5A_info_t *info, void *op)
{
    (void)info;
    (void)op;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a >= 0) {
        read_whole(a, 1);
        H5Aclose(a);
    }
    return 0;
}

static herr_t
visit(hid_t root, const char *name, const H5O_info_t *info, void *op)
{
    (void)op;
    hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
    if (obj < 0) {
        return 0;
    }
    H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, read_attr, NULL);
    H5Aiterate2(obj, H5_INDEX_CRT_ORDER, H5_ITER_INC, NULL, read_attr, NULL);
    if (info->type == H5O_TYPE_DATASET) {
        read_whole(obj, 0);
    }
    H5Oclose(obj);
    return 0;
}

dp_status
dp_seal_probe(dp_ctx *ctx, const char *path)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        return dp_error(ctx, DP_EIO, "%s: cannot start the check of an unsealed file: %s", path,
                        strerror(errno));
    }
    if (pid == 0) {
        /* The child: no core file, no HDF5 error printing, and _exit (no exit handlers). */
        signal(SIGABRT, SIG_DFL);
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        if (f >= 0) {
            /* Both link indexes: the reader lists groups in creation order. */
            H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_NATIVE, visit, NULL, H5O_INFO_BASIC);
            H5Ovisit2(f, H5_INDEX_CRT_ORDER, H5_ITER_INC, visit, NULL, H5O_INFO_BASIC);
            H5Fclose(f);
        }
        _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return dp_error(ctx, DP_EIO, "%s: the check of an unsealed file failed: %s", path,
                            strerror(errno));
        }
    }
    if (WIFSIGNALED(status)) {
        return dp_error(ctx, DP_EINPUT,
                        "%s: damaged: reading it crashes the HDF5 library (signal %d); restore a "
                        "copy or rerun the scenario that wrote it",
                        path, WTERMSIG(status));
    }
    return DP_OK;
}
