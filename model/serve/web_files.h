/* model/serve/web_files.h
 *
 * The page's files embedded into the binary at build time (build/gen/web_files.c, written by
 * model/tools/embed_gen.c from model/web: index.html, app.js, style.css and ECharts'
 * echarts.min.js). dpsim serve serves these and nothing else from disk.
 */
#ifndef DPSIM_WEB_FILES_H
#define DPSIM_WEB_FILES_H

#include <stddef.h>

typedef struct {
    const char *name;         /**< "index.html", "echarts.min.js", ... (no folder) */
    const char *content_type; /**< by the name's ending */
    const unsigned char *data;
    size_t size;
} dp_web_file;

extern const dp_web_file dp_web_files[];
extern const size_t dp_web_n_files;

#endif
