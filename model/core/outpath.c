/* model/core/outpath.c
 *
 * Output-path safety (outpath.h): the checks every writer makes before it starts, the name of
 * the temporary file it writes, and the removal of temporaries a killed run left behind.
 *
 * Invariants: dp_outpath_check and dp_outpath_check_dir write nothing that survives them (the
 * writability probe creates the temporary name exclusively and removes it at once); only
 * dp_outpath_clean_stale removes files, and only names of the exact form ".<base>.tmp.<pid>"
 * whose pid is not a running process.
 */
#include "core/outpath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* The sticky bit is XSI; its value is fixed by POSIX (<sys/stat.h>, 01000). */
#ifndef S_ISVTX
#define S_ISVTX 01000
#endif
#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* The folder of path into dir ("." when path has no slash, "/" for "/name"); returns the
 * basename within path. */
static const char *
split_path(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (slash) {
        snprintf(dir, n, "%.*s", slash == path ? 1 : (int)(slash - path), path);
        return slash + 1;
    }
    snprintf(dir, n, ".");
    return path;
}

static const char *
kind_of(mode_t m)
{
    if (S_ISLNK(m)) {
        return "a symbolic link";
    }
    if (S_ISDIR(m)) {
        return "a folder";
    }
    if (S_ISFIFO(m)) {
        return "a FIFO (named pipe)";
    }
    if (S_ISCHR(m) || S_ISBLK(m)) {
        return "a device";
    }
    if (S_ISSOCK(m)) {
        return "a socket";
    }
    return S_ISREG(m) ? "a regular file" : "not a regular file";
}

int
dp_outpath_replaceable(const char *path, const char **why)
{
    struct stat st;
    if (lstat(path, &st) != 0 || S_ISREG(st.st_mode)) {
        return 1;
    }
    if (why) {
        *why = kind_of(st.st_mode);
    }
    return 0;
}

char *
dp_outpath_temp_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dir_len = (size_t)(base - path);
    size_t n = dir_len + strlen(base) + 48;
    char *tmp = malloc(n);
    if (tmp) {
        snprintf(tmp, n, "%.*s.%s.tmp.%ld", (int)dir_len, path, base, (long)getpid());
    }
    return tmp;
}

/* Index of the input that is the same file as st (device and inode), or n_input. */
static size_t
same_as_input(const struct stat *st, const char *const *inputs, size_t n_input)
{
    for (size_t i = 0; i < n_input; i++) {
        struct stat in;
        if (inputs[i] && stat(inputs[i], &in) == 0 && in.st_dev == st->st_dev &&
            in.st_ino == st->st_ino) {
            return i;
        }
    }
    return n_input;
}

/* Can the folder dir take a file named base? Probes by creating the temporary name. */
static dp_status
probe_folder(dp_ctx *ctx, const char *path, const char *dir, const char *base, const char *what)
{
    struct stat st;
    int dir_ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    long name_max = dir_ok ? pathconf(dir, _PC_NAME_MAX) : -1;
    long path_max = dir_ok ? pathconf(dir, _PC_PATH_MAX) : -1;
    if (path_max <= 0 || path_max > PATH_MAX) {
        path_max = PATH_MAX;
    }
    if (name_max > DP_OUTPATH_TMP_EXTRA &&
        strlen(base) + DP_OUTPATH_TMP_EXTRA > (size_t)name_max) {
        return dp_error(ctx, DP_EINPUT,
                        "the %s name '%s' is too long for the file system: its folder allows "
                        "names of at most %ld bytes, and the file is first written under a "
                        "temporary name up to %d bytes longer; use a name of at most %ld bytes",
                        what, base, name_max, (int)DP_OUTPATH_TMP_EXTRA,
                        name_max - DP_OUTPATH_TMP_EXTRA);
    }
    if (strlen(path) + DP_OUTPATH_TMP_EXTRA >= (size_t)path_max) {
        return dp_error(ctx, DP_EINPUT,
                        "the %s path is too long for the file system: paths may have at most "
                        "%ld bytes (with the %d bytes the temporary name adds); use a shorter "
                        "folder or name",
                        what, path_max - 1, (int)DP_OUTPATH_TMP_EXTRA);
    }
    char *tmp = dp_outpath_temp_name(path);
    if (!tmp) {
        return dp_error(ctx, DP_ENOMEM, "out of memory checking the %s '%s'", what, path);
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
    int e = errno;
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    free(tmp);
    if (fd >= 0 || e == EEXIST) {
        return DP_OK; /* EEXIST: a leftover of this very pid, removed by the writer */
    }
    if (e == ENAMETOOLONG) {
        return dp_error(ctx, DP_EINPUT, "the %s name '%s' is too long for the file system", what,
                        path);
    }
    if (e == ENOENT && !dir_ok) {
        return dp_error(ctx, DP_EINPUT,
                        "cannot write the %s '%s': the folder '%s' does not exist (create it "
                        "first, e.g. mkdir -p '%s')",
                        what, path, dir, dir);
    }
    if (e == ENOTDIR) {
        return dp_error(ctx, DP_EINPUT, "cannot write the %s '%s': '%s' is not a folder", what,
                        path, dir);
    }
    if (e == EACCES || e == EPERM) {
        return dp_error(ctx, DP_EINPUT,
                        "cannot write the %s '%s': the folder '%s' is not writable (no "
                        "permission)",
                        what, path, dir);
    }
    if (e == EROFS) {
        return dp_error(ctx, DP_EINPUT,
                        "cannot write the %s '%s': the folder '%s' is on a read-only file system",
                        what, path, dir);
    }
    if (e == ENOSPC || e == EDQUOT) {
        return dp_error(ctx, DP_EINPUT,
                        "cannot write the %s '%s': the file system of the folder '%s' is full",
                        what, path, dir);
    }
    return dp_error(ctx, DP_EINPUT, "cannot write the %s '%s' in the folder '%s': %s", what, path,
                    dir, strerror(e));
}

dp_status
dp_outpath_check(dp_ctx *ctx, const char *path, const char *const *inputs, size_t n_input,
                 int force, const char *what)
{
    char dir[PATH_MAX + 1];
    struct stat st, lst;
    size_t len = strlen(path);

    if (len == 0) {
        return dp_error(ctx, DP_EINPUT, "the %s name is empty; give a file name such as "
                        "results.h5", what);
    }
    if (len > PATH_MAX) {
        return dp_error(ctx, DP_EINPUT,
                        "the %s path is too long for the file system: paths may have at most "
                        "%d bytes",
                        what, PATH_MAX - 1);
    }
    const char *base = split_path(path, dir, sizeof dir);
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        return dp_error(ctx, DP_EINPUT,
                        "the %s '%s' names a folder, not a file; give a file name such as "
                        "%s%sresults.h5",
                        what, path, path, path[len - 1] == '/' ? "" : "/");
    }
    /* The same file as an input, links followed (the input itself, a hard link, a symbolic
     * link to it). */
    if (stat(path, &st) == 0) {
        size_t i = same_as_input(&st, inputs, n_input);
        if (i < n_input) {
            return dp_error(ctx, DP_EINPUT,
                            "the %s '%s' is the same file as '%s', an input of this run; "
                            "writing it would destroy that input, so nothing was written: "
                            "choose another name",
                            what, path, inputs[i]);
        }
    }
    if (lstat(path, &lst) == 0) {
        if (S_ISDIR(lst.st_mode)) {
            return dp_error(ctx, DP_EINPUT,
                            "the %s '%s' is a folder; give a file name such as %s/results.h5",
                            what, path, path);
        }
        if (!S_ISREG(lst.st_mode)) {
            return dp_error(ctx, DP_EINPUT,
                            "the %s '%s' exists and is %s, not a regular file; dpsim replaces "
                            "only regular files, so nothing was written: remove it or choose "
                            "another name",
                            what, path, kind_of(lst.st_mode));
        }
        if (!force && ((lst.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 ||
                       access(path, W_OK) != 0)) {
            return dp_error(ctx, DP_EINPUT,
                            "the %s '%s' exists and is read-only, which dpsim takes as \"do "
                            "not replace\"; nothing was written: give --force to replace it, "
                            "or choose another name",
                            what, path);
        }
        /* In a folder with the sticky bit (such as /tmp) only the owner of a file (or of the
         * folder) may rename over it: refuse now rather than fail after the run. */
        struct stat dst;
        uid_t me = geteuid();
        if (me != 0 && stat(dir, &dst) == 0 && (dst.st_mode & S_ISVTX) && lst.st_uid != me &&
            dst.st_uid != me) {
            return dp_error(ctx, DP_EINPUT,
                            "the %s '%s' belongs to another user, and its folder '%s' lets only "
                            "a file's owner replace it (the sticky bit, as on /tmp); nothing was "
                            "written: choose another name",
                            what, path, dir);
        }
    }
    return probe_folder(ctx, path, dir, base, what);
}

dp_status
dp_outpath_check_dir(dp_ctx *ctx, const char *dir, const char *const *inputs, size_t n_input,
                     const char *what)
{
    struct stat st;
    if (!*dir) {
        return dp_error(ctx, DP_EINPUT, "the %s name is empty", what);
    }
    if (strlen(dir) > PATH_MAX) {
        return dp_error(ctx, DP_EINPUT, "the %s path is too long for the file system", what);
    }
    if (stat(dir, &st) == 0) {
        size_t i = same_as_input(&st, inputs, n_input);
        if (i < n_input) {
            return dp_error(ctx, DP_EINPUT,
                            "the %s '%s' is '%s', an input of this run; nothing was written: "
                            "choose another folder",
                            what, dir, inputs[i]);
        }
        if (!S_ISDIR(st.st_mode)) {
            return dp_error(ctx, DP_EINPUT,
                            "the %s '%s' exists and is %s, not a folder; nothing was written: "
                            "choose another folder",
                            what, dir, kind_of(st.st_mode));
        }
        if (access(dir, W_OK | X_OK) != 0) {
            return dp_error(ctx, DP_EINPUT, "cannot write into the %s '%s': it is not writable",
                            what, dir);
        }
        return DP_OK;
    }
    /* Missing: its nearest existing ancestor must be a writable folder. */
    char up[PATH_MAX + 1];
    snprintf(up, sizeof up, "%s", dir);
    for (;;) {
        char *slash = strrchr(up, '/');
        while (slash && slash > up && slash[1] == '\0') { /* trailing slashes */
            *slash = '\0';
            slash = strrchr(up, '/');
        }
        if (!slash) {
            snprintf(up, sizeof up, ".");
        } else if (slash == up) {
            up[1] = '\0';
        } else {
            *slash = '\0';
        }
        if (stat(up, &st) == 0) {
            break;
        }
        if (strcmp(up, ".") == 0 || strcmp(up, "/") == 0) {
            return dp_error(ctx, DP_EINPUT, "cannot create the %s '%s'", what, dir);
        }
    }
    if (!S_ISDIR(st.st_mode)) {
        return dp_error(ctx, DP_EINPUT, "cannot create the %s '%s': '%s' is not a folder", what,
                        dir, up);
    }
    if (access(up, W_OK | X_OK) != 0) {
        return dp_error(ctx, DP_EINPUT,
                        "cannot create the %s '%s': the folder '%s' is not writable", what, dir,
                        up);
    }
    return DP_OK;
}

size_t
dp_outpath_clean_stale(const char *path)
{
    char dir[PATH_MAX + 1];
    const char *base = split_path(path, dir, sizeof dir);
    size_t n_base = strlen(base), removed = 0;
    DIR *d = *base ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        /* ".<base>.tmp.<digits>" exactly */
        if (name[0] != '.' || strncmp(name + 1, base, n_base) != 0 ||
            strncmp(name + 1 + n_base, ".tmp.", 5) != 0) {
            continue;
        }
        const char *digits = name + 1 + n_base + 5;
        if (!*digits || strspn(digits, "0123456789") != strlen(digits) || strlen(digits) > 9) {
            continue;
        }
        long pid = strtol(digits, NULL, 10);
        if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) {
            continue; /* a live process (perhaps another dpsim writing the same name) */
        }
        char full[2 * PATH_MAX + 2];
        snprintf(full, sizeof full, "%s/%s", dir, name);
        struct stat st;
        if (lstat(full, &st) == 0 && S_ISREG(st.st_mode) && unlink(full) == 0) {
            removed++;
        }
    }
    if (d) {
        closedir(d);
    }
    return removed;
}
