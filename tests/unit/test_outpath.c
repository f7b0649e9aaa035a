/* tests/unit/test_outpath.c
 *
 * Unit tests of the output-path checks (model/core/outpath.h, issue 14): an output that is an
 * input (the same inode, a hard link, a symbolic link to it) is refused; so are a symbolic
 * link, a FIFO, a device, a folder, and a read-only file unless force; a name too long for
 * the folder's file system (NAME_MAX from pathconf, minus the 13 bytes of the temporary name:
 * the boundary is tested on both sides); a missing folder. Each refusal leaves the files as
 * they were (content and folder listing compared). Then the removal of stale temporaries: only
 * ".<name>.tmp.<pid>" of a pid that is no longer a process.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dp_test.h"
#include "core/ctx.h"
#include "core/outpath.h"

typedef struct {
    dp_ctx *ctx;
    char dir[64];
    char in[128];   /**< an input file, "scenario" */
    char in2[128];  /**< a second input */
} fixture;

static void
write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The file's text (up to 255 bytes) into buf. */
static const char *
read_text(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

/* Entries of dir other than "." and "..". */
static size_t
count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->ctx = dp_ctx_alloc())) {
        free(f);
        return -1;
    }
    snprintf(f->dir, sizeof f->dir, "/tmp/dp_outpath_XXXXXX");
    if (!mkdtemp(f->dir)) {
        return -1;
    }
    snprintf(f->in, sizeof f->in, "%s/s.yaml", f->dir);
    snprintf(f->in2, sizeof f->in2, "%s/base.yaml", f->dir);
    write_text(f->in, "name: s\n");
    write_text(f->in2, "name: base\n");
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", f->dir, f->dir);
    if (system(cmd) != 0) {
        return -1;
    }
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Checks path against the two inputs; returns the status. */
static dp_status
check(fixture *f, const char *path, int force)
{
    const char *inputs[] = {f->in2, "/nonexistent/skipped.csv", f->in};
    return dp_outpath_check(f->ctx, path, inputs, 3, force, "results file");
}

static void
assert_refused(fixture *f, const char *path, int force, const char *words)
{
    assert_int_equal(check(f, path, force), DP_EINPUT);
    const char *msg = dp_ctx_errmsg(f->ctx);
    if (!strstr(msg, words)) {
        fail_msg("message '%s' lacks '%s'", msg, words);
    }
}

/* Inputs are as written and the folder holds exactly n entries. */
static void
assert_untouched(fixture *f, size_t n)
{
    char buf[256];
    assert_string_equal(read_text(f->in, buf, sizeof buf), "name: s\n");
    assert_string_equal(read_text(f->in2, buf, sizeof buf), "name: base\n");
    assert_int_equal(count_entries(f->dir), n);
}

static void
test_outpath_same_inode(void **state)
{
    fixture *f = *state;
    assert_refused(f, f->in, 0, "is the same file as");
    assert_refused(f, f->in, 1, "an input of this run"); /* --force does not override it */
    /* Another spelling of the same path. */
    char other[160];
    snprintf(other, sizeof other, "%s/./s.yaml", f->dir);
    assert_refused(f, other, 0, "is the same file as");
    assert_refused(f, f->in2, 0, "base.yaml");
    assert_untouched(f, 2);
}

static void
test_outpath_hard_link(void **state)
{
    fixture *f = *state;
    char hard[160];
    snprintf(hard, sizeof hard, "%s/hard.h5", f->dir);
    assert_int_equal(link(f->in, hard), 0);
    assert_refused(f, hard, 0, "is the same file as");
    assert_untouched(f, 3);
}

static void
test_outpath_symlink(void **state)
{
    fixture *f = *state;
    char lnk[160], dangling[160], other[160], to_other[160];
    snprintf(lnk, sizeof lnk, "%s/lnk.h5", f->dir);
    snprintf(dangling, sizeof dangling, "%s/dangling.h5", f->dir);
    snprintf(other, sizeof other, "%s/other.h5", f->dir);
    snprintf(to_other, sizeof to_other, "%s/to_other.h5", f->dir);
    assert_int_equal(symlink("s.yaml", lnk), 0);
    assert_refused(f, lnk, 0, "is the same file as");
    /* A link to a file that is not an input, or to nothing, is still a link: refused. */
    assert_int_equal(symlink("nowhere.h5", dangling), 0);
    assert_refused(f, dangling, 1, "is a symbolic link, not a regular file");
    write_text(other, "old");
    assert_int_equal(symlink("other.h5", to_other), 0);
    assert_refused(f, to_other, 0, "is a symbolic link");
    const char *why = NULL;
    assert_int_equal(dp_outpath_replaceable(to_other, &why), 0);
    assert_string_equal(why, "a symbolic link");
    assert_int_equal(dp_outpath_replaceable(other, NULL), 1);
    assert_untouched(f, 6);
}

static void
test_outpath_fifo_device_dir(void **state)
{
    fixture *f = *state;
    char fifo[160], sub[160], slash[160];
    snprintf(fifo, sizeof fifo, "%s/pipe.h5", f->dir);
    snprintf(sub, sizeof sub, "%s/sub", f->dir);
    snprintf(slash, sizeof slash, "%s/", f->dir);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    assert_refused(f, fifo, 1, "is a FIFO (named pipe), not a regular file");
    assert_refused(f, "/dev/null", 1, "is a device, not a regular file");
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_refused(f, sub, 1, "is a folder");
    assert_refused(f, slash, 0, "names a folder, not a file");
    assert_refused(f, "", 0, "name is empty");
    assert_untouched(f, 4);
}

static void
test_outpath_read_only_and_force(void **state)
{
    fixture *f = *state;
    char ro[160], rw[160], buf[64];
    snprintf(ro, sizeof ro, "%s/ro.h5", f->dir);
    snprintf(rw, sizeof rw, "%s/rw.h5", f->dir);
    write_text(ro, "keep");
    assert_int_equal(chmod(ro, 0444), 0);
    assert_refused(f, ro, 0, "is read-only");
    assert_refused(f, ro, 0, "--force");
    assert_int_equal(check(f, ro, 1), DP_OK);
    write_text(rw, "old");
    assert_int_equal(check(f, rw, 0), DP_OK);
    /* The checks write nothing: contents and listing as before (no probe file left). */
    assert_string_equal(read_text(ro, buf, sizeof buf), "keep");
    assert_string_equal(read_text(rw, buf, sizeof buf), "old");
    assert_untouched(f, 4);
}

static void
test_outpath_new_file_ok(void **state)
{
    fixture *f = *state;
    char out[160];
    snprintf(out, sizeof out, "%s/new.h5", f->dir);
    assert_int_equal(check(f, out, 0), DP_OK);
    assert_int_equal(access(out, F_OK), -1);
    assert_untouched(f, 2);
}

static void
test_outpath_long_name(void **state)
{
    fixture *f = *state;
    long max = pathconf(f->dir, _PC_NAME_MAX);
    assert_true(max > DP_OUTPATH_TMP_EXTRA + 4);
    size_t longest = (size_t)max - DP_OUTPATH_TMP_EXTRA; /* with the temporary name: max */
    char *path = malloc(strlen(f->dir) + (size_t)max + 8);
    assert_non_null(path);
    int at = sprintf(path, "%s/", f->dir);
    memset(path + at, 'a', longest);
    path[(size_t)at + longest] = '\0';
    assert_int_equal(check(f, path, 0), DP_OK);
    memset(path + at, 'a', longest + 1);
    path[(size_t)at + longest + 1] = '\0';
    assert_refused(f, path, 0, "is too long for the file system");
    free(path);
    /* Longer than PATH_MAX altogether. */
    char *huge = malloc(5000);
    assert_non_null(huge);
    memset(huge, 'b', 4999);
    huge[4999] = '\0';
    assert_refused(f, huge, 0, "too long for the file system");
    free(huge);
    assert_untouched(f, 2);
}

static void
test_outpath_missing_or_unwritable_dir(void **state)
{
    fixture *f = *state;
    char out[160], under[160], ro[160], in_ro[192];
    snprintf(out, sizeof out, "%s/nowhere/x.h5", f->dir);
    assert_refused(f, out, 0, "the folder");
    assert_refused(f, out, 0, "does not exist");
    snprintf(under, sizeof under, "%s/x.h5", f->in);
    assert_refused(f, under, 0, "is not a folder");
    if (geteuid() != 0) { /* root writes into any folder */
        snprintf(ro, sizeof ro, "%s/ro", f->dir);
        snprintf(in_ro, sizeof in_ro, "%s/x.h5", ro);
        assert_int_equal(mkdir(ro, 0555), 0);
        assert_refused(f, in_ro, 0, "is not writable");
        assert_untouched(f, 3);
    } else {
        assert_untouched(f, 2);
    }
}

static void
test_outpath_check_dir(void **state)
{
    fixture *f = *state;
    const char *inputs[] = {f->in};
    char missing[160], under[160];
    snprintf(missing, sizeof missing, "%s/a/b/c", f->dir);
    snprintf(under, sizeof under, "%s/a", f->in);
    assert_int_equal(dp_outpath_check_dir(f->ctx, f->dir, inputs, 1, "CSV folder"), DP_OK);
    assert_int_equal(dp_outpath_check_dir(f->ctx, missing, inputs, 1, "CSV folder"), DP_OK);
    assert_int_equal(dp_outpath_check_dir(f->ctx, f->in, inputs, 1, "CSV folder"), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "an input of this run"));
    assert_int_equal(dp_outpath_check_dir(f->ctx, f->in2, inputs, 1, "CSV folder"), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "not a folder"));
    assert_int_equal(dp_outpath_check_dir(f->ctx, under, inputs, 1, "CSV folder"), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "is not a folder"));
    assert_untouched(f, 2);
}

/* The pid of a process that has exited (a child, reaped). */
static long
dead_pid(void)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        _exit(0);
    }
    assert_int_equal(waitpid(p, NULL, 0), p);
    return (long)p;
}

static void
test_outpath_clean_stale(void **state)
{
    fixture *f = *state;
    char out[160], name[256];
    long dead = dead_pid();
    snprintf(out, sizeof out, "%s/out.h5", f->dir);
    write_text(out, "result");
    const long pid[] = {dead, (long)getpid(), (long)getppid()};
    for (size_t i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s/.out.h5.tmp.%ld", f->dir, pid[i]);
        write_text(name, "partial");
    }
    /* Names that are not this output's temporaries, even of the dead pid. */
    snprintf(name, sizeof name, "%s/.other.h5.tmp.%ld", f->dir, dead);
    write_text(name, "x");
    snprintf(name, sizeof name, "%s/.out.h5.tmp.%ldx", f->dir, dead);
    write_text(name, "x");
    snprintf(name, sizeof name, "%s/out.h5.tmp.%ld", f->dir, dead);
    write_text(name, "x");
    assert_int_equal(count_entries(f->dir), 9);
    assert_int_equal(dp_outpath_clean_stale(out), 1);
    snprintf(name, sizeof name, "%s/.out.h5.tmp.%ld", f->dir, dead);
    assert_int_equal(access(name, F_OK), -1);
    snprintf(name, sizeof name, "%s/.out.h5.tmp.%ld", f->dir, (long)getpid());
    assert_int_equal(access(name, F_OK), 0);
    assert_int_equal(access(out, F_OK), 0);
    assert_int_equal(count_entries(f->dir), 8);
    assert_int_equal(dp_outpath_clean_stale(out), 0);
    char *tmp = dp_outpath_temp_name(out);
    assert_non_null(tmp);
    assert_string_equal(tmp, name);
    free(tmp);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_outpath_same_inode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outpath_hard_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outpath_symlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outpath_fifo_device_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outpath_read_only_and_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outpath_new_file_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outpath_long_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outpath_missing_or_unwritable_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outpath_check_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outpath_clean_stale, setup, teardown),
    };
    return cmocka_run_group_tests_name("outpath", tests, NULL, NULL);
}
