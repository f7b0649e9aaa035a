# dpsim — single top-level Makefile.
#
#   make run     install missing Debian packages, build, run the default scenario
#   make serve   the browser workbench (dpsim serve) on the default scenario, docs/serve.md
#   make test    build and run every test suite (what .ci/run calls)
#   make check   the tests again, built with AddressSanitizer and UBSan (build/asan)
#   make bench   benchmarks: prints timings and peak memory
#   make deps    install missing Debian packages only
#   make report  run the notebooks and render them into one HTML file, results/report.html
#   make validate  the engines' agreement on the shipped scenarios at full size (slow)
#   make plans   the five plans: baselines and plans, micro engine, 200 runs (docs/plans.md)
#
# Sources are found by wildcard: a new .c file in one of the library's layer folders
# (model/core, input, domain, engines, output, analysis: docs/architecture.md), in model/cli or
# a tests/unit/test_*.c is picked up without editing this file.

CC      ?= gcc
ifeq ($(origin CC),default)
CC      := gcc
endif
# make MPI=1: the distributed build (docs/cluster.md) with Open MPI's mpicc into build/mpi;
# model/core/par.c speaks MPI with -DDP_MPI, and is the one-process case without it.
ifeq ($(MPI),1)
CC      := mpicc
BUILD   ?= build/mpi
MPI_CFLAGS := -DDP_MPI
endif
BUILD   ?= build
PREFIX  ?= /usr/local
PYTHON  ?= /usr/bin/python3

DEB_PKGS := gcc make pkg-config libgsl-dev libhdf5-dev hdf5-tools libopenblas-dev \
            libcmocka-dev libyaml-dev librandom123-dev nettle-dev python3-h5py python3-numpy \
            python3-xarray python3-h5netcdf libxlsxwriter-dev python3-openpyxl \
            jupyter-nbconvert python3-nbconvert python3-ipykernel python3-nbformat \
            python3-pandas python3-matplotlib python3-yaml fonts-noto-cjk chromium \
            r-cran-hdf5r netcdf-bin clang libclang-rt-14-dev libomp-14-dev \
            libmicrohttpd-dev libjansson-dev nodejs libopenmpi-dev openmpi-bin

CSTD  := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN  := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wconversion -Wno-sign-conversion \
         -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition -Wwrite-strings \
         -Wcast-qual -Wcast-align -Wpointer-arith -Wvla -Wformat=2 -Wundef -Wnull-dereference \
         -Wdouble-promotion -Wduplicated-cond -Wduplicated-branches -Wlogical-op \
         -Wjump-misses-init -fno-common
OPT   ?= -O2 -g -DNDEBUG -DHAVE_INLINE -DGSL_RANGE_CHECK_OFF
SAN   := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

PKG_CFLAGS = $(shell pkg-config --cflags hdf5 yaml-0.1 openblas nettle 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs hdf5 yaml-0.1 nettle 2>/dev/null)

CFLAGS  += $(CSTD) $(WARN) $(OPT) -ffp-contract=off -fopenmp -MMD -MP -Imodel $(MPI_CFLAGS) $(PKG_CFLAGS)
LDFLAGS += -fopenmp
# GSL is linked against OpenBLAS's CBLAS (not libgslcblas): OpenBLAS is linked before GSL with
# --no-as-needed, so that GSL's own CBLAS calls bind to it too, not only the cohort engine's
# cblas_dgemm (Debian's linker defaults to --as-needed, which could otherwise let GSL bind to
# libgslcblas). tests/e2e checks the binding.
LDLIBS  += -lhdf5_hl $(PKG_LIBS) -Wl,--no-as-needed $(shell pkg-config --libs openblas) \
           -Wl,--as-needed -lgsl -lm
# libxlsxwriter (the Excel writer of dpsim export, model/output/export_xlsx.c) is linked by the
# command only: export_xlsx.c is built into a second small library, libdpsim_xlsx.a, so that
# libdpsim.a (and every test and benchmark) does without it.
CLI_LIBS = $(shell pkg-config --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter -lz)
# dpsim serve (model/serve, docs/serve.md) is built into libdpsim_serve.a, linked by the command
# (and tests/unit/test_serve.c) only: GNU libmicrohttpd and jansson stay out of libdpsim.a. The
# page (model/web) is embedded into the binary by model/tools/embed_gen.c.
SERVE_LIBS = $(shell pkg-config --libs libmicrohttpd jansson 2>/dev/null || echo -lmicrohttpd -ljansson) -lpthread

# The library's layers, lowest first (docs/architecture.md): a file may include headers of its
# own layer and of the layers before it; tests/layers.sh checks it.
LAYERS   := core input domain engines output analysis
XLSX_SRC := model/output/export_xlsx.c
LIB_SRC  := $(filter-out $(XLSX_SRC),$(foreach l,$(LAYERS),$(wildcard model/$(l)/*.c)))
LIB_HDR  := $(foreach l,$(LAYERS),$(wildcard model/$(l)/*.h))
SERVE_SRC:= $(wildcard model/serve/*.c)
CLI_SRC  := $(wildcard model/cli/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
HELP_SRC := $(wildcard tests/helpers/*.c)
BENCH_SRC:= $(wildcard tests/bench/*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/model/input/key_sources.o
XLSX_OBJ := $(XLSX_SRC:%.c=$(BUILD)/obj/%.o)
SERVE_OBJ:= $(SERVE_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/model/serve/web_files.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
HELP_OBJ := $(HELP_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_BIN:= $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
LIB      := $(BUILD)/lib/libdpsim.a
XLSX_LIB := $(BUILD)/lib/libdpsim_xlsx.a
SERVE_LIB:= $(BUILD)/lib/libdpsim_serve.a
BIN      := $(BUILD)/bin/dpsim

# The libFuzzer targets (rules below, "Fuzzing"); defined here because `test` needs them.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_FLAGS   := $(CSTD) -O1 -g -fno-omit-frame-pointer -DHAVE_INLINE -fopenmp -Imodel \
                $(PKG_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_[a-z]*.c))
FUZZ_TARGETS := $(filter-out fuzz_common,$(FUZZ_TARGETS))
FUZZ_BIN     := $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o) $(FUZZ_DIR)/obj/key_sources.o
FUZZ_LIB     := $(FUZZ_DIR)/libdpsim_fuzz.a

.PHONY: all run serve test check bench deps clean install uninstall format format-check lint \
        check-symbols plans report notebooks-test validate fuzz fuzz-build
.DEFAULT_GOAL := all
# Keep intermediate objects (the test helpers) between builds.
.SECONDARY:

all: $(BIN)

# V=1 shows the full compiler command lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# The git commit of the build, stored in every results file (root attribute git_commit); "unknown"
# outside a git checkout. The stamp file changes only when the commit does, so only the writer
# is rebuilt then.
GIT_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
GIT_STAMP  := $(BUILD)/git_commit
.PHONY: FORCE
$(GIT_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(GIT_COMMIT)' | cmp -s - $@ 2>/dev/null || echo '$(GIT_COMMIT)' >$@
$(BUILD)/obj/model/output/output_write.o: $(GIT_STAMP)
$(BUILD)/obj/model/output/output_write.o: CFLAGS += -DDP_GIT_COMMIT='"$(GIT_COMMIT)"'

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# The sources of the scenario keys' defaults (model/input/key_sources.h): generated from
# data/reference/programme_defaults.csv by a small C program that uses the library's CSV reader
# (gcc only; no network). The object sits with the input layer's, so tests/layers.sh checks it.
GEN_TOOL := $(BUILD)/tools/key_sources_gen
GEN_OBJ  := $(addprefix $(BUILD)/obj/model/core/,csv.o ctx.o util.o)

$(GEN_TOOL): model/tools/key_sources_gen.c $(GEN_OBJ)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC/LD   $@")
	$(Q)$(CC) $(CFLAGS) $< $(GEN_OBJ) $(LDFLAGS) -lm -o $@

$(BUILD)/gen/key_sources.c: data/reference/programme_defaults.csv $(GEN_TOOL)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(GEN_TOOL) $< $@.tmp && mv $@.tmp $@

$(BUILD)/obj/model/input/key_sources.o: $(BUILD)/gen/key_sources.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(XLSX_LIB): $(XLSX_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(SERVE_LIB): $(SERVE_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	$(Q)ar rcs $@ $^

# The page's files (model/web) as a C array: index.html, app.js, style.css and ECharts'
# echarts.min.js from model/web/node_modules (pinned in model/web/package-lock.json; `npm ci`
# runs only when node_modules is missing, so the build works offline after it once).
WEB_FILES := model/web/index.html model/web/app.js model/web/style.css
ECHARTS   := model/web/node_modules/echarts/dist/echarts.min.js
EMBED_TOOL:= $(BUILD)/tools/embed_gen

$(ECHARTS): model/web/package.json model/web/package-lock.json
	@cd model/web && flock .npm-lock sh -c '[ -f node_modules/echarts/dist/echarts.min.js ] || \
	  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund'; rm -f .npm-lock
	@touch $@

$(EMBED_TOOL): model/tools/embed_gen.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC/LD   $@")
	$(Q)$(CC) $(CFLAGS) $< -o $@

$(BUILD)/gen/web_files.c: $(WEB_FILES) $(ECHARTS) $(EMBED_TOOL)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(EMBED_TOOL) $@.tmp $(WEB_FILES) $(ECHARTS) && mv $@.tmp $@

$(BUILD)/obj/model/serve/web_files.o: $(BUILD)/gen/web_files.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -Wno-overlength-strings -c $< -o $@

# The command's allocations go through model/cli/mem_wrap.c (DPSIM_FAIL_ALLOC, DPSIM_COUNT_ALLOC).
WRAP_LDFLAGS := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=aligned_alloc

$(BIN): $(CLI_OBJ) $(SERVE_LIB) $(XLSX_LIB) $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $(WRAP_LDFLAGS) $(CLI_OBJ) $(SERVE_LIB) $(XLSX_LIB) $(LIB) $(LDLIBS) \
	  $(CLI_LIBS) $(SERVE_LIBS) -o $@

$(BUILD)/tests/test_serve: tests/unit/test_serve.c $(HELP_OBJ) $(SERVE_LIB) $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC/LD   $@")
	$(Q)$(CC) $(CFLAGS) -Itests/helpers $< $(HELP_OBJ) $(SERVE_LIB) $(LIB) $(LDFLAGS) $(LDLIBS) $(SERVE_LIBS) -lcmocka -o $@

$(BUILD)/tests/%: tests/unit/%.c $(HELP_OBJ) $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC/LD   $@")
	$(Q)$(CC) $(CFLAGS) -Itests/helpers $< $(HELP_OBJ) $(LIB) $(LDFLAGS) $(LDLIBS) -lcmocka -o $@

$(BUILD)/bench/%: tests/bench/%.c $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC/LD   $@")
	$(Q)$(CC) $(CFLAGS) $< $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# ---------------------------------------------------------------------------------------------
# Set-up: install whatever Debian packages are missing (sudo only when not root).
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y $$missing; \
	fi

run: deps
	$(MAKE) all
	@mkdir -p results
	$(BIN) run scenarios/daan-baseline.yaml -o results/daan-baseline.h5

# The browser workbench (docs/serve.md) on the default scenario and its variants, at
# http://127.0.0.1:$(SERVE_PORT)/ (Ctrl-C stops it).
SERVE_PORT ?= 8080
serve: deps
	$(MAKE) all
	$(BIN) serve scenarios/daan-baseline.yaml scenarios/daan-targets.yaml \
	  scenarios/daan-ceiling.yaml --port $(SERVE_PORT)

# make test also builds the MPI build (build/mpi) when Open MPI's mpicc is installed, for
# tests/cli/mpi.sh (which says it skips when it is missing); with the default flags whatever
# this make was given (make check's BUILD and OPT are not passed on).
test: $(BIN) $(UNIT_BIN) $(FUZZ_BIN) mpi-build
	@BUILD=$(BUILD) PYTHON=$(PYTHON) sh tests/run.sh

.PHONY: mpi-build
# After the default build (one npm ci, one key-sources step at a time).
mpi-build: $(BIN)
ifneq ($(MPI),1)
	@if command -v mpicc >/dev/null 2>&1; then \
	  env -u MAKEFLAGS -u MAKEOVERRIDES -u MFLAGS -u BUILD -u OPT -u CC -u CFLAGS -u LDFLAGS \
	    $(MAKE) -j2 --no-print-directory MPI=1 all; fi
endif

check:
	DPSIM_SANITIZED=1 $(MAKE) BUILD=build/asan OPT="$(SAN)" LDFLAGS="-fopenmp -fsanitize=address,undefined" test

bench: $(BIN) $(BENCH_BIN)
	@BUILD=$(BUILD) sh tests/bench/run.sh

# ---------------------------------------------------------------------------------------------
# Fuzzing (tests/fuzz/README.md): libFuzzer targets built with Debian's clang, the library's
# sources compiled again with -fsanitize=fuzzer-no-link,address,undefined into build/fuzz.
# `make fuzz FUZZ_SECONDS=N` runs each target N seconds (default 60) from its seed corpus;
# `make test` runs each for FUZZ_TEST_SECONDS (20) through tests/fuzz/run.sh, and every file in
# tests/fuzz/regress/<target>/ once (the inputs that once crashed).

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/obj/key_sources.o: $(BUILD)/gen/key_sources.c
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.c tests/fuzz/fuzz_common.h $(FUZZ_LIB)
	@$(if $(Q),echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $< tests/fuzz/fuzz_common.c $(FUZZ_LIB) \
	  $(LDLIBS) -o $@

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_TARGETS)

# ---------------------------------------------------------------------------------------------
# Notebooks (notebooks/README.md). `make report` executes the four notebooks headlessly with
# Debian's Python on one results file, $DPSIM_RESULTS, or when it is unset a small run made
# here next to the report (the Da'an baseline with plan targets, scenarios/daan-targets.yaml,
# and a care-subsidy overlay, 20 runs), then renders them into one offline HTML file with the
# figures embedded.
REPORT    ?= results/report.html
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))

# Before anything runs, the report and its default results file are checked like `dpsim run -o`
# (dpsim check-output, README "Reliability"): neither may be one of the inputs (notebooks,
# scenarios, data files, $DPSIM_RESULTS), a link, FIFO or device, nor read-only (REPORT_FORCE=1
# replaces a read-only report); exit 2 and nothing written otherwise.
REPORT_INPUTS = $(NOTEBOOKS) $(wildcard notebooks/*.py scenarios/*.yaml data/regions/*.yaml \
                data/reference/*.csv)
report: $(BIN)
	@mkdir -p $(dir $(REPORT)) && \
	  $(BIN) check-output $(if $(REPORT_FORCE),--force) "$(REPORT)" "$$DPSIM_RESULTS" \
	    $(REPORT_INPUTS) && \
	  { [ -n "$$DPSIM_RESULTS" ] || $(BIN) check-output "$(basename $(REPORT))-results.h5" \
	    "$(REPORT)" $(REPORT_INPUTS); } || exit 2
	@rm -rf $(BUILD)/report && mkdir -p $(BUILD)/report
	@if [ -z "$$DPSIM_RESULTS" ]; then \
	  DPSIM_BIN=$(abspath $(BIN)) $(PYTHON) notebooks/dpsim_nb.py default-run \
	    $(basename $(REPORT))-results.h5 >/dev/null || exit 1; fi
	@DPSIM_RESULTS=$$(realpath "$${DPSIM_RESULTS:-$(basename $(REPORT))-results.h5}") && \
	  [ -f "$$DPSIM_RESULTS" ] || { echo "make report: DPSIM_RESULTS: no such file" >&2; exit 2; }; \
	  export DPSIM_RESULTS && \
	  BUILD=$(BUILD) PYTHON=$(PYTHON) sh notebooks/execute.sh $(BUILD)/report $(NOTEBOOKS) && \
	  $(PYTHON) notebooks/report.py $(REPORT) $(addprefix $(BUILD)/report/,$(notdir $(NOTEBOOKS)))

# ---------------------------------------------------------------------------------------------
# The five plans (docs/plans.md). `make plans` runs the ten scenarios (each region's baseline and
# plan) with the micro engine, PLAN_RUNS replicates (default 200), seed 1 (so each plan is paired
# with its baseline run by run), into results/plans.h5; then prints per region the base year
# against the plan's reported figures and spending in 2025 and 2035 (Hulan also 2020) by
# programme and in total, baseline, plan and plan - baseline, mean and 90% interval in 万元
# (notebooks/plans_report.py), and each plan target's mean, probability met and gap
# (dpsim targets). The printout is also kept in results/plans.txt.
PLAN_REGIONS := daan huzhong ningbo pudong hulan
PLAN_RUNS    ?= 200

plans: $(BIN)
	@mkdir -p results
	$(BIN) run $(foreach r,$(PLAN_REGIONS),scenarios/$(r)-baseline.yaml scenarios/$(r)-plan.yaml) \
	  --engine micro --runs $(PLAN_RUNS) --seed 1 -o results/plans.h5 --quiet
	@rm -f results/plans.txt
	@for r in $(PLAN_REGIONS); do \
	  $(PYTHON) notebooks/plans_report.py results/plans.h5 $$r --data data >>results/plans.txt && \
	  echo >>results/plans.txt && \
	  $(BIN) targets results/plans.h5 --scenario $$r-plan >>results/plans.txt && \
	  echo >>results/plans.txt || exit 1; \
	done
	@cat results/plans.txt

# Longer checks than make test's (docs/validation.md): the engines' agreement on all ten shipped
# scenarios at full size, VALIDATE_RUNS paired replicates (default 200).
VALIDATE_RUNS ?= 200
validate: $(BIN)
	@BUILD=$(BUILD) RECONCILE_RUNS=$(VALIDATE_RUNS) sh tests/cli/reconcile.sh | tee $(BUILD)/validate.log
	@! grep -q '^FAIL' $(BUILD)/validate.log

# The notebook tests alone (make test runs them too, through tests/run.sh).
notebooks-test: $(BIN)
	@BUILD=$(BUILD) PYTHON=$(PYTHON) sh tests/e2e/notebooks.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	  $(addprefix $(DESTDIR)$(PREFIX)/include/dpsim/,$(LAYERS))
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/dpsim
	for l in $(LAYERS); do install -m 0644 model/$$l/*.h $(DESTDIR)$(PREFIX)/include/dpsim/$$l/; done
	install -m 0644 $(LIB) $(XLSX_LIB) $(DESTDIR)$(PREFIX)/lib/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/dpsim $(DESTDIR)$(PREFIX)/lib/libdpsim.a \
	  $(DESTDIR)$(PREFIX)/lib/libdpsim_xlsx.a
	rm -rf $(DESTDIR)$(PREFIX)/include/dpsim

format:
	clang-format -i $(LIB_SRC) $(XLSX_SRC) $(SERVE_SRC) $(CLI_SRC) $(UNIT_SRC) $(HELP_SRC) $(BENCH_SRC) $(LIB_HDR) model/cli/*.h

format-check:
	clang-format --dry-run --Werror $(LIB_SRC) $(XLSX_SRC) $(SERVE_SRC) $(CLI_SRC) $(LIB_HDR)

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --suppress=missingIncludeSystem -Imodel $(LIB_SRC) $(XLSX_SRC) $(SERVE_SRC) $(CLI_SRC)

# The library may export only dp_* names.
check-symbols: $(LIB)
	@bad=$$(nm -g --defined-only $(LIB) | awk 'NF==3 {print $$3}' | grep -v '^dp_' || true); \
	if [ -n "$$bad" ]; then echo "non-dp_ exported symbols:"; echo "$$bad"; exit 1; fi; echo "symbols ok"

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(XLSX_OBJ:.o=.d) $(SERVE_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(HELP_OBJ:.o=.d)
