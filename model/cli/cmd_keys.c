/* model/cli/cmd_keys.c
 *
 * dpsim keys: prints the scenario key table with its metadata (input/key_meta.h): path, type,
 * unit, default (dp_params_default), bounds, English and Chinese label and the source of the
 * default, as Markdown (docs/keys.md is this output: tests/cli/keys.sh checks it) or CSV.
 * Maps (whose keys are rows of their own) and the amount keys a programme does not accept are
 * left out.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input/key_meta.h"

static void
help(void)
{
    printf("usage: dpsim keys [--format md|csv] [--prefix PATH]\n\n"
           "Prints every scenario key (docs/scenarios.md) with its type, unit, default, bounds,\n"
           "English and Chinese label and the source of the default (a citation with its status\n"
           "from data/reference/programme_defaults.csv, another short citation, or\n"
           "'assumption'). docs/keys.md is 'dpsim keys --format md'.\n\n"
           "options:\n"
           "  --format md|csv  Markdown tables by section (default) or comma-separated values\n"
           "                   with a header line\n"
           "  --prefix PATH    only PATH and the keys below it (e.g. programmes.care_subsidy)\n"
           "  -h, --help       this text\n");
}

/* A Markdown cell: '|' escaped. */
static void
md_cell(FILE *f, const char *s, int code)
{
    fputs(code && *s ? " `" : " ", f);
    for (; *s; s++) {
        if (*s == '|') {
            fputc('\\', f);
        }
        fputc(*s, f);
    }
    fputs(code && s[-1] ? "` |" : " |", f);
}

/* A CSV field, quoted when it holds a comma, a quote or a newline. */
static void
csv_field(FILE *f, const char *s, int last)
{
    if (strpbrk(s, ",\"\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') {
                fputc('"', f);
            }
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

/* The label of key m (zh 0 English, 1 Chinese), followed for a word or a year-or-word key by
 * its allowed values and their labels ("status quo (frozen: frozen at the base year; trend:
 * take-up trend)"), from key_meta.c: the labels the workbench's selects show. */
static void
with_words(const dp_key_meta *m, int zh, char *out, size_t size)
{
    size_t o = (size_t)snprintf(out, size, "%s", zh ? m->label_zh : m->label);
    if (strcmp(m->control, "select") != 0 && strcmp(m->control, "year_word") != 0) {
        return;
    }
    const char *w = m->words;
    for (size_t i = 0; *w && o < size; i++) {
        size_t len = strcspn(w, "|");
        char word[48], wl[96];
        snprintf(word, sizeof word, "%.*s", (int)len, w);
        dp_key_word_label(m->path, word, zh, wl, sizeof wl);
        int n = snprintf(out + o, size - o, "%s%s%s%s", i ? (zh ? "；" : "; ") : (zh ? "（" : " ("),
                         word, zh ? "：" : ": ", wl);
        o += n > 0 ? (size_t)n : 0;
        w += len + (w[len] == '|');
    }
    if (o < size) {
        snprintf(out + o, size - o, "%s", zh ? "）" : ")");
    }
}

/* The section of a key: its first segment, "programmes.P" for a programme's keys, "top
 * level" for the top-level keys but the two lists of rules (last in the table). */
static void
section_of(const char *path, const char *type, char *out, size_t size)
{
    size_t n = strcspn(path, ".");
    if (!path[n] && strncmp(type, "list of ", 8) == 0 && strcmp(type, "list of region ids and LEVEL:NODE selections")) {
        snprintf(out, size, "overlaps and targets");
        return;
    }
    if (strncmp(path, "programmes.", 11) == 0) {
        n = 11 + strcspn(path + 11, ".");
    }
    if (!path[n]) {
        snprintf(out, size, "top level");
    } else {
        snprintf(out, size, "%.*s", (int)n, path);
    }
}

int
cmd_keys(int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"prefix", required_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *format = "md", *prefix = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'p':
            prefix = optarg;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_usage_error("keys", "unknown option");
        }
    }
    if (optind < argc) {
        return cli_usage_error("keys", "unexpected argument '%s'", argv[optind]);
    }
    int md = strcmp(format, "md") == 0;
    if (!md && strcmp(format, "csv") != 0) {
        return cli_usage_error("keys", "--format: expected md or csv, got '%s'", format);
    }
    dp_params *p = malloc(sizeof *p);
    dp_key_meta *m = malloc(sizeof *m);
    if (!p || !m) {
        free(p);
        free(m);
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    dp_params_default(p);
    size_t plen = prefix ? strlen(prefix) : 0;
    size_t shown = 0;
    char section[96] = "";
    if (md) {
        printf("# Scenario keys\n\n"
               "Generated by `dpsim keys --format md` from the scenario key table and its "
               "metadata\n(`model/input/key_meta.c`, sources from "
               "`data/reference/programme_defaults.csv`); do not\nedit: "
               "`tests/cli/keys.sh` fails when this file differs from the command's output. "
               "The keys\nand their rules are explained in [scenarios.md](scenarios.md); the "
               "defaults are those of\n`dp_params_default` in the first projected year. A "
               "programme accepts only its own amount key\n(`monthly`, `yearly` or `unit_cost`). "
               "Sources: a citation with its status (QUOTED, DERIVED,\n...; the labels [S], [P001], "
               "... are explained at the top of the CSV), or `assumption`.\n");
    } else {
        printf("path,type,unit,default,bounds,label,label_zh,source\n");
    }
    for (size_t i = 0; i < dp_key_meta_count(); i++) {
        if (dp_key_meta_get(p, i, m) != 0 && !m->map) {
            fprintf(stderr, "dpsim: keys: %s has no unit or source\n", m->path);
            free(p);
            free(m);
            return EXIT_INTERNAL;
        }
        if (m->map || !m->accepted) {
            continue;
        }
        if (prefix && !(strncmp(m->path, prefix, plen) == 0 &&
                        (m->path[plen] == '\0' || m->path[plen] == '.' ||
                         (plen > 0 && prefix[plen - 1] == '.')))) {
            continue;
        }
        shown++;
        /* A word's allowed values with their labels, after the key's own label. */
        char label[640], label_zh[640];
        with_words(m, 0, label, sizeof label);
        with_words(m, 1, label_zh, sizeof label_zh);
        if (md) {
            char sec[96];
            section_of(m->path, m->type, sec, sizeof sec);
            if (strcmp(sec, section) != 0) {
                snprintf(section, sizeof section, "%s", sec);
                printf("\n## %s\n\n| path | type | unit | default | bounds | label | label_zh | "
                       "source |\n|---|---|---|---|---|---|---|---|\n",
                       sec);
            }
            fputs("|", stdout);
            md_cell(stdout, m->path, 1);
            md_cell(stdout, m->type, 0);
            md_cell(stdout, m->unit, 0);
            md_cell(stdout, m->dflt, 1);
            md_cell(stdout, m->bounds, 0);
            md_cell(stdout, label, 0);
            md_cell(stdout, label_zh, 0);
            md_cell(stdout, m->source, 0);
            fputs("\n", stdout);
        } else {
            csv_field(stdout, m->path, 0);
            csv_field(stdout, m->type, 0);
            csv_field(stdout, m->unit, 0);
            csv_field(stdout, m->dflt, 0);
            csv_field(stdout, m->bounds, 0);
            csv_field(stdout, label, 0);
            csv_field(stdout, label_zh, 0);
            csv_field(stdout, m->source, 1);
        }
    }
    free(p);
    free(m);
    if (prefix && shown == 0) {
        fprintf(stderr, "dpsim: keys: no key matches --prefix '%s'\n", prefix);
        return EXIT_INPUT;
    }
    return EXIT_OK;
}
