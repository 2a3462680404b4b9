# demine: build the library, the program and the tests. See README.md.
CC      ?= cc
# The flags of the libraries (pkg-config, with -DDM_HAVE_GDAL when GDAL is there) are asked for
# when building, not when make reads this file: build/flags/cflags and build/flags/libs are
# rewritten by scripts/build-flags only when they change, and every object and binary depends on
# them, so a first build that ran before the -dev packages were installed (or without GDAL) is
# rebuilt once they are. Recipes read them with $$(cat ...).
FLAGS_C := build/flags/cflags
FLAGS_L := build/flags/libs
PKG_CFLAGS = $$(cat $(FLAGS_C))
PKG_LIBS   = $$(cat $(FLAGS_L))
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation -Wshadow -Wstrict-prototypes
# src/ (the CLI and the server) sees only the public headers in include/demine/: lib/'s private
# headers are on the include path of the library, its unit tests and fuzzers alone.
BASEFLAGS := -std=c11 -D_GNU_SOURCE -DDEMINE_DATADIR=\"$(CURDIR)/data\" $(WARN) -Iinclude -include lib/banned.h $(PKG_CFLAGS)
CFLAGS  ?= -O2 -g
# The test build: sanitizers, and the fault injection points of lib/fault.h (inert unless a
# test arms them).
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DDM_FAULT_INJECTION

LIB_SRC := $(sort $(wildcard lib/*.c))
CLI_SRC := $(sort $(wildcard src/*.c))
UNIT_SRC := $(filter-out tests/unit/test_faults.c,$(sort $(wildcard tests/unit/test_*.c)))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ := $(LIB_SRC:%.c=build/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=build/obj/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:%.c=build/asan/obj/%.o)
ASAN_CLI_OBJ := $(CLI_SRC:%.c=build/asan/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/asan/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
$(LIB_OBJ) $(ASAN_LIB_OBJ): LIBINC := -Ilib

# keep the fuzzers' objects between runs
.SECONDARY:

.PHONY: FORCE
$(FLAGS_C) $(FLAGS_L): FORCE
	@scripts/build-flags $(notdir $@) $@

.PHONY: all check check-pg unit cli-test api-test gis-test fuzz fuzz-short run clean deps demo docs
all: build/demine web-vendor

build/obj/%.o: %.c Makefile $(FLAGS_C) $(wildcard include/demine/*.h lib/*.h src/*.h)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(BASEFLAGS) $(LIBINC) $(CFLAGS) -c $< -o $@

build/asan/obj/%.o: %.c Makefile $(FLAGS_C) $(wildcard include/demine/*.h lib/*.h src/*.h)
	@mkdir -p $(dir $@)
	@echo "CC (asan) $<"; $(CC) $(BASEFLAGS) $(LIBINC) $(SANFLAGS) -c $< -o $@

build/libdemine.a: $(LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

build/asan/libdemine.a: $(ASAN_LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

build/demine: $(CLI_OBJ) build/libdemine.a $(FLAGS_L)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) build/libdemine.a $(PKG_LIBS)

build/asan/demine: $(ASAN_CLI_OBJ) build/asan/libdemine.a $(FLAGS_L)
	$(CC) $(SANFLAGS) -o $@ $(ASAN_CLI_OBJ) build/asan/libdemine.a $(PKG_LIBS)

build/asan/test_%: tests/unit/test_%.c tests/unit/check.h build/asan/libdemine.a $(FLAGS_L)
	@mkdir -p $(dir $@)
	@echo "LINK $@"; $(CC) $(BASEFLAGS) -Ilib -Itests/unit $(SANFLAGS) -o $@ $< build/asan/libdemine.a $(PKG_LIBS)

# The fault walk wraps the malloc family of the library (not of SQLite, GEOS or libc) so that
# the Nth allocation can fail (tests/unit/test_faults.c).
FAULT_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
build/asan/test_faults: tests/unit/test_faults.c tests/unit/check.h build/asan/libdemine.a $(FLAGS_L)
	@mkdir -p $(dir $@)
	@echo "LINK $@"; $(CC) $(BASEFLAGS) -Ilib -Itests/unit $(SANFLAGS) -o $@ $< build/asan/libdemine.a $(PKG_LIBS) $(FAULT_WRAP)

# libFuzzer targets need clang; they link the library built with the fuzzer's instrumentation.
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build/fuzz/obj/%.o)
build/fuzz/obj/%.o: %.c $(FLAGS_C) $(wildcard include/demine/*.h lib/*.h)
	@mkdir -p $(dir $@)
	@echo "CC (fuzz) $<"; clang $(BASEFLAGS) -Ilib -Wno-unknown-warning-option -O1 -g -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_OBJ) $(FLAGS_L)
	@mkdir -p $(dir $@)
	@echo "LINK $@"; clang $(BASEFLAGS) -Ilib -Wno-unknown-warning-option -O1 -g -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_LIB_OBJ) $(PKG_LIBS)
# The HTTP target runs the server in its own process: it links the server's objects too.
FUZZ_SRV_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,$(filter src/server%.c,$(CLI_SRC)))
build/fuzz/obj/src/%.o: src/%.c $(FLAGS_C) $(wildcard include/demine/*.h lib/*.h src/*.h)
	@mkdir -p $(dir $@)
	@echo "CC (fuzz) $<"; clang $(BASEFLAGS) -Wno-unknown-warning-option -O1 -g -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
build/fuzz/fuzz_http build/fuzz/fuzz_http_body: build/fuzz/%: tests/fuzz/%.c tests/fuzz/http_harness.h $(FUZZ_LIB_OBJ) $(FUZZ_SRV_OBJ) $(FLAGS_L)
	@mkdir -p $(dir $@)
	@echo "LINK $@"; clang $(BASEFLAGS) -Isrc -Wno-unknown-warning-option -O1 -g -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_SRV_OBJ) $(FUZZ_LIB_OBJ) $(PKG_LIBS)

export ASAN_OPTIONS := detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do echo "== $$t"; $$t || fail=1; done; exit $$fail

cli-test: build/asan/demine
	DEMINE_BIN=$(CURDIR)/build/asan/demine node --test tests/cli/

# The C store tests, the CLI tests and the API tests again on PostgreSQL, in a throwaway cluster
# that is stopped and removed whatever the tests do (scripts/pg-test-cluster; a state file of its
# own per run, so two runs in one checkout do not stop each other's cluster).
check-pg: build/asan/demine build/asan/test_store build/asan/test_stats build/asan/test_report build/asan/test_faults
	@set -e; export DEMINE_PG_STATE=$(CURDIR)/build/pg-test-cluster.$$$$.state; \
	base=$$(scripts/pg-test-cluster start); trap 'scripts/pg-test-cluster stop' EXIT INT TERM; \
	echo "== PostgreSQL test cluster $$base"; \
	psql -X -q -d "$$base/postgres" -c "CREATE DATABASE unit TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"; \
	echo "== build/asan/test_store (postgres)"; DEMINE_TEST_PG=$$base/unit build/asan/test_store; \
	psql -X -q -d "$$base/postgres" -c "CREATE DATABASE stats TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"; \
	echo "== build/asan/test_stats (sqlite and postgres)"; DEMINE_TEST_PG=$$base/stats build/asan/test_stats; \
	psql -X -q -d "$$base/postgres" -c "CREATE DATABASE report TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"; \
	echo "== build/asan/test_report (sqlite and postgres)"; DEMINE_TEST_PG=$$base/report build/asan/test_report; \
	psql -X -q -d "$$base/postgres" -c "CREATE DATABASE faults TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"; \
	build/asan/demine init --db $$base/faults >/dev/null; \
	echo "== build/asan/test_faults (libpq calls)"; FAULT_KIND=store DEMINE_TEST_PG=$$base/faults build/asan/test_faults; \
	echo "== tests/cli on postgres"; \
	DEMINE_TEST_STORE=postgres DEMINE_PG_BASE=$$base DEMINE_BIN=$(CURDIR)/build/asan/demine node --test tests/cli/; \
	echo "== tests/api on postgres"; \
	DEMINE_TEST_STORE=postgres DEMINE_PG_BASE=$$base DEMINE_BIN=$(CURDIR)/build/asan/demine node --test tests/api/; \
	echo "== tests/gis on postgres"; \
	DEMINE_TEST_STORE=postgres DEMINE_PG_BASE=$$base DEMINE_BIN=$(CURDIR)/build/asan/demine node --test tests/gis/

# Every report figure against plain SQL on a generated 10,000-hazard set (about 2 minutes to
# generate; make check runs the same checks on the demo data, in test_report).
.PHONY: check-report-gen
check-report-gen: build/demine build/asan/test_report
	@set -e; d=$$(mktemp -d); trap 'rm -rf "$$d"' EXIT INT TERM; \
	build/demine gen --db $$d/gen.db --hazards 10000 >/dev/null; \
	echo "== build/asan/test_report on a generated 10,000-hazard set"; DEMINE_TEST_REPORT_DB=$$d/gen.db build/asan/test_report

api-test: build/asan/demine
	DEMINE_BIN=$(CURDIR)/build/asan/demine node --test tests/api/

# Clients nobody in the project wrote (GDAL's OAPIF and GPKG drivers, ...) against a real server.
gis-test: build/asan/demine
	DEMINE_BIN=$(CURDIR)/build/asan/demine node --test tests/gis/

# The web application's third-party files (MapLibre GL JS, Chart.js from npm, a DejaVu font for
# map labels, the QR code generator and ODK's XForms engine for field forms) copied into
# web/vendor/ (gitignored), so the application needs no internet.
WEB_VENDOR := web/vendor/maplibre-gl.mjs web/vendor/maplibre-gl-worker.mjs web/vendor/maplibre-gl.css \
	web/vendor/chart.umd.min.js web/vendor/DejaVuSans.ttf web/vendor/qrcode.mjs web/vendor/xforms-engine.js
.PHONY: web-vendor web-test
# Each vendored file also gzip-compressed beside it (and brotli where the brotli tool is
# installed): demine serve sends the copy the browser takes (docs/web.md, fast on 3G).
WEB_VENDOR_GZ := $(WEB_VENDOR:=.gz)
BROTLI := $(shell command -v brotli 2>/dev/null)
WEB_VENDOR_BR := $(if $(BROTLI),$(WEB_VENDOR:=.br))
web-vendor: $(WEB_VENDOR) $(WEB_VENDOR_GZ) $(WEB_VENDOR_BR)
web/vendor/%.gz: web/vendor/%
	gzip -9 -n -c $< > $@.tmp && mv $@.tmp $@
web/vendor/%.br: web/vendor/%
	$(BROTLI) -q 11 -c $< > $@.tmp && mv $@.tmp $@
# npm ci runs once, and only when package-lock.json is newer than what it installed: every
# vendored file depends on the one stamp npm itself writes (node_modules/.package-lock.json),
# never on a pattern rule that would run npm ci once per file, concurrently under -j.
NPM_STAMP := node_modules/.package-lock.json
$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	@touch $@
$(filter web/vendor/maplibre-gl%,$(WEB_VENDOR)): web/vendor/maplibre-gl%: $(NPM_STAMP)
	@mkdir -p $(dir $@); cp node_modules/maplibre-gl/dist/maplibre-gl$* $@
web/vendor/chart.umd.min.js: $(NPM_STAMP)
	@mkdir -p $(dir $@); cp node_modules/chart.js/dist/chart.umd.min.js $@
web/vendor/qrcode.mjs: $(NPM_STAMP)
	@mkdir -p $(dir $@); cp node_modules/qrcode-generator/dist/qrcode.mjs $@
web/vendor/xforms-engine.js: $(NPM_STAMP)
	@mkdir -p $(dir $@); cp node_modules/@getodk/xforms-engine/dist/index.js $@
web/vendor/DejaVuSans.ttf: /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
	@mkdir -p $(dir $@); cp $< $@

web-test: build/asan/demine web-vendor
	DEMINE_BIN=$(CURDIR)/build/asan/demine node --test --test-concurrency=1 tests/web/

FUZZ_SECONDS ?= 10
fuzz-short: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build/fuzz/corpus/$$n; \
	  echo "== $$n ($(FUZZ_SECONDS) s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 build/fuzz/corpus/$$n tests/fuzz/seeds/$$n 2>build/fuzz/$$n.log || { tail -50 build/fuzz/$$n.log; exit 1; }; \
	  tail -1 build/fuzz/$$n.log; done

fuzz:
	$(MAKE) fuzz-short FUZZ_SECONDS=60

# make fuzz-long: each target for FUZZ_SECONDS (10 minutes unless given), from its kept corpus
# (tests/fuzz/seeds/TARGET) and what earlier runs found (build/fuzz/corpus/TARGET); a crash
# leaves its input in build/fuzz/artifacts/ and fails the run. One line per target (seconds,
# inputs run, corpus size) in build/fuzz/long-results.txt, the figures of docs/reliability.md.
.PHONY: fuzz-long
fuzz-long: FUZZ_SECONDS = 600
fuzz-long: $(FUZZ_BIN)
	@mkdir -p build/fuzz/artifacts; : > build/fuzz/long-results.txt; fail=0; \
	for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build/fuzz/corpus/$$n; \
	  echo "== $$n ($(FUZZ_SECONDS) s)"; \
	  if $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/$$n- \
	      build/fuzz/corpus/$$n tests/fuzz/seeds/$$n >build/fuzz/$$n.log 2>&1; then r=ok; else r=CRASH; fail=1; tail -60 build/fuzz/$$n.log; fi; \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' build/fuzz/$$n.log); \
	  echo "$$n $(FUZZ_SECONDS) s, $${runs:-?} inputs, corpus $$(ls build/fuzz/corpus/$$n | wc -l) + $$(ls tests/fuzz/seeds/$$n | wc -l) seeds: $$r" | tee -a build/fuzz/long-results.txt; \
	done; exit $$fail

# The modules of lib/ are layered: fails on a cycle in what they call of each other.
.PHONY: layers
layers: $(LIB_OBJ)
	@node scripts/check-layers.mjs $(LIB_OBJ)

# Fault injection (tests/unit/test_faults.c, docs/reliability.md): every SQLite call of a
# create/update/submit/approve/import sequence made to fail in turn (part of make check, and of
# check-pg on PostgreSQL), and every allocation of the library in turn (faults-alloc, about
# two minutes; make faults runs both whole).
.PHONY: faults faults-store faults-alloc
faults-store: build/asan/test_faults
	FAULT_KIND=store build/asan/test_faults
faults-alloc: build/asan/test_faults
	FAULT_KIND=alloc build/asan/test_faults
faults: faults-store faults-alloc

# make check and make run install what is missing first and only then build, in a make of
# their own (the flags are asked for after the packages are there; tests/build/first_run.test.mjs).
INSTALL_DEPS ?= scripts/install-deps
check:
	$(INSTALL_DEPS)
	@$(MAKE) --no-print-directory check-suites
check-suites: all layers unit faults-store cli-test api-test gis-test web-test build-test check-pg fuzz-short bench-smoke
	@echo "make check: all suites passed"

# The Makefile itself on a first run (empty pkg-config, GDAL appearing, npm ci once).
.PHONY: build-test check-suites
build-test: web-vendor
	node --test tests/build/

# Kill loops (tests/reliability/kill_loop.mjs, docs/reliability.md; not in make check, whose
# tests/cli/kill_loop.test.mjs runs 5): KILLS SIGKILLs of demine serve at random moments under 4
# writing clients, and OPS_KILLS of each of import, recompute, copy and backup, on SQLite and on
# PostgreSQL (a throwaway cluster); the figures, one JSON line per store, in
# build/reliability/kill_loop.jsonl. KILL_SEED repeats a run.
KILLS ?= 100
OPS_KILLS ?= 10
.PHONY: reliability
reliability: build/demine
	@mkdir -p build/reliability; rm -f build/reliability/kill_loop.jsonl
	KILLS=$(KILLS) OPS_KILLS=$(OPS_KILLS) RELIABILITY_JSON=$(CURDIR)/build/reliability/kill_loop.jsonl \
	  DEMINE_BIN=$(CURDIR)/build/demine node tests/reliability/kill_loop.mjs
	@set -e; export DEMINE_PG_STATE=$(CURDIR)/build/pg-test-cluster.$$$$.state; \
	base=$$(scripts/pg-test-cluster start); trap 'scripts/pg-test-cluster stop' EXIT INT TERM; \
	DEMINE_TEST_STORE=postgres DEMINE_PG_BASE=$$base KILLS=$(KILLS) OPS_KILLS=$(OPS_KILLS) \
	  RELIABILITY_JSON=$(CURDIR)/build/reliability/kill_loop.jsonl DEMINE_BIN=$(CURDIR)/build/demine \
	  node tests/reliability/kill_loop.mjs
	@echo "make reliability: figures in build/reliability/kill_loop.jsonl"

# Benchmarks (bench/README.md): make bench installs nginx, wrk and PostGIS (as root), generates the
# data sets and runs every scenario beside its anchor into bench/results/latest.md and .json;
# bench-smoke runs the harness on a few hundred hazards, demine's side only (part of make check).
.PHONY: bench bench-smoke
bench: build/demine
	bench/install-deps
	node bench/bench.mjs

# Load (bench/load.mjs, docs/reliability.md): wrk on reads and a write mix, quiet and during an
# import of LOAD_HAZARDS (100,000) hazards; p50/p90/p99 into bench/results/load.md. Not in make check.
.PHONY: load
load: build/demine
	bench/install-deps
	node bench/load.mjs

bench-smoke: build/demine
	BENCH_SMOKE=1 node bench/bench.mjs

# Static analysis (clang's scan-build and cppcheck): fails on any finding. Dead stores are left
# out (an rc assigned before a goto out is the house style, not a bug); cppcheck's variableScope
# and unreadVariable are style advice. A false positive is silenced where it stands, with its
# reason (a cppcheck-suppress comment, or code the analyzer can follow).
ANALYZE_OBJ := $(LIB_SRC:%.c=build/analyze/obj/%.o) $(CLI_SRC:%.c=build/analyze/obj/%.o)
CPPCHECK_FLAGS := -q --std=c11 -D_GNU_SOURCE -Iinclude -Ilib --include=scripts/cppcheck-macros.h \
	--enable=warning,style,performance,portability --inline-suppr --error-exitcode=1 \
	--suppress=missingIncludeSystem --suppress=variableScope --suppress=unreadVariable
.PHONY: analyze analyze-objs
build/analyze/obj/%.o: %.c $(FLAGS_C)
	@mkdir -p $(dir $@)
	@echo "ANALYZE $<"; $(CC) $(BASEFLAGS) $(if $(filter lib/%,$<),-Ilib) -O0 -c $< -o $@
analyze-objs: $(ANALYZE_OBJ)
analyze:
	@rm -rf build/analyze
	scan-build -o build/analyze/report --status-bugs -disable-checker deadcode.DeadStores $(MAKE) -j2 analyze-objs
	cppcheck -j2 $(CPPCHECK_FLAGS) lib src
	@echo "make analyze: no finding"

deps:
	$(INSTALL_DEPS)

demo.db: build/demine
	build/demine demo --db demo.db --force

run:
	$(INSTALL_DEPS)
	@$(MAKE) --no-print-directory all
	build/demine demo --db demo.db --force
	@scripts/run-demo

docs: build/demine
	build/demine schema --markdown > docs/data-model.md

clean:
	rm -rf build
