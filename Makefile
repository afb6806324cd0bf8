# newsline — one plain Makefile: all test asan fuzz bench clean.
# Sources are found by folder: every src/**/*.c except src/cli/main.c goes into
# build/libnewsline.a; each tests/unit/test_*.c is its own Criterion binary;
# each fuzz/fuzz_*.c is a libFuzzer harness.

CC      ?= cc
CLANG   ?= clang
OPT     ?= -O2
WARN    = -Wall -Wextra -Wconversion -Wno-sign-conversion -Wshadow -Wstrict-prototypes \
          -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  ?= $(OPT) -g
ALLCFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) -Isrc $(CFLAGS)
LIBS    = -lutf8proc -lstemmer -lzstd -lz -lxxhash -ljansson -lyajl -lm -lpthread
SAN     = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIBSRC  := $(filter-out src/cli/main.c,$(shell find src -name '*.c' | sort))
HDRS    := $(shell find src -name '*.h')
TESTSRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZSRC := $(sort $(wildcard fuzz/fuzz_*.c))

OBJ      := $(LIBSRC:%.c=build/obj/%.o)
ASANOBJ  := $(LIBSRC:%.c=build/asan/obj/%.o)
FUZZOBJ  := $(LIBSRC:%.c=build/fuzz/obj/%.o)
TESTBIN  := $(TESTSRC:tests/unit/%.c=build/tests/%)
ASANTEST := $(TESTSRC:tests/unit/%.c=build/asan/tests/%)
FUZZBIN  := $(FUZZSRC:fuzz/%.c=build/fuzz/%)

.PHONY: all deps test unit golden asan tsan fuzz fuzz-smoke bench clean demo
# keep intermediate objects (the fuzz objects are built by a chained rule)
.SECONDARY:
all: deps build/newsline

deps:
	@scripts/deps.sh

build/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -c $< -o $@

build/libnewsline.a: $(OBJ)
	@rm -f $@
	ar rcs $@ $^

build/newsline: src/cli/main.c build/libnewsline.a
	$(CC) $(ALLCFLAGS) $< build/libnewsline.a $(LIBS) -o $@

build/tests/%: tests/unit/%.c build/libnewsline.a tests/unit/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -Itests/unit $< build/libnewsline.a $(LIBS) -lcriterion -o $@

# --- sanitizer build (ASan + UBSan) of the library, CLI and unit tests -------------
build/asan/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -O1 $(SAN) -c $< -o $@

build/asan/libnewsline.a: $(ASANOBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/newsline: src/cli/main.c build/asan/libnewsline.a
	$(CC) $(ALLCFLAGS) -O1 $(SAN) $< build/asan/libnewsline.a $(LIBS) -o $@

build/asan/tests/%: tests/unit/%.c build/asan/libnewsline.a tests/unit/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -O1 $(SAN) -Itests/unit $< build/asan/libnewsline.a $(LIBS) -lcriterion -o $@

# --- fuzz harnesses (clang libFuzzer + ASan/UBSan) ----------------------------------
build/fuzz/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) -std=c11 -D_GNU_SOURCE -pthread -Isrc -O1 -g -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

build/fuzz/%: fuzz/%.c $(FUZZOBJ)
	@mkdir -p $(dir $@)
	$(CLANG) -std=c11 -D_GNU_SOURCE -pthread -Isrc -O1 -g -fsanitize=fuzzer,address,undefined $< $(FUZZOBJ) $(LIBS) -o $@

FUZZ_SECONDS ?= 30
fuzz: deps $(FUZZBIN)
	@for f in $(FUZZBIN); do n=$$(basename $$f); mkdir -p build/fuzz/corpus/$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/corpus/$$n fuzz/corpus/$$n || exit 1; done

# short fuzz run used by `make test`: seed corpus plus a few thousand mutations each
fuzz-smoke: $(FUZZBIN)
	@for f in $(FUZZBIN); do n=$$(basename $$f); rm -rf build/fuzz/smoke/$$n; mkdir -p build/fuzz/smoke/$$n; \
	  $$f -runs=3000 -max_len=16384 build/fuzz/smoke/$$n fuzz/corpus/$$n >build/fuzz/$$n.log 2>&1 \
	    || { tail -40 build/fuzz/$$n.log; echo "fuzz-smoke: $$n failed"; exit 1; }; \
	  echo "fuzz-smoke: $$n ok"; done

# --- ThreadSanitizer build of the CLI: `add` with several analysis threads -----------
TSANOBJ := $(LIBSRC:%.c=build/tsan/obj/%.o)
build/tsan/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) -std=c11 -D_GNU_SOURCE -pthread -Isrc -O1 -g -fsanitize=thread -c $< -o $@

build/tsan/newsline: src/cli/main.c $(TSANOBJ)
	$(CLANG) -std=c11 -D_GNU_SOURCE -pthread -Isrc -O1 -g -fsanitize=thread $^ $(LIBS) -o $@

tsan: build/tsan/newsline
	@rm -rf build/tsan/db
	@awk 'BEGIN { srand(7); for (i = 0; i < 3000; i++) { t = ""; for (k = 0; k < 40; k++) t = t " w" int(rand() * 3000); \
	  printf "{\"id\":\"%d\",\"title\":\"story %d\",\"date\":\"2024-03-%02d\",\"url\":\"https://t.example/%d\",\"text\":\"%s.\\nOn Monday %s.\"}\n", \
	  i, i, i % 28 + 1, i % 5000, t, t } }' > build/tsan/gen.jsonl
	@NEWSLINE_THREADS=3 NEWSLINE_MEM_MB=4 TSAN_OPTIONS=halt_on_error=1 build/tsan/newsline add -q --db build/tsan/db \
	  tests/fixtures/bad.jsonl tests/fixtures/trunc.jsonl.gz build/tsan/gen.jsonl tests/fixtures/ok.jsonl \
	  >/dev/null 2>build/tsan/log || { cat build/tsan/log; echo "tsan: failed"; exit 1; }
	@! grep -q "ThreadSanitizer" build/tsan/log || { cat build/tsan/log; echo "tsan: data race"; exit 1; }
	@echo "tsan: add with 3 analysis threads: no data race"

# --- tests ----------------------------------------------------------------------------
unit: $(TESTBIN)
	@for t in $(TESTBIN); do $$t --jobs 2 || exit 1; done

golden: build/newsline
	@tests/golden.sh build/newsline

asan: deps build/asan/newsline $(ASANTEST)
	@for t in $(ASANTEST); do ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $$t --jobs 2 || exit 1; done
	@tests/golden.sh build/asan/newsline

test: all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory golden
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory tsan
	@tests/crash.sh build/newsline 30
	@echo "make test: all suites passed"

bench: all
	@scripts/deps.sh bench
	@bench/run.sh

# The README's main job: build, add a corpus (Timeline17 when ../shared is beside
# the project, else the bundled example), and print a timeline of one story.
ifneq ($(wildcard ../shared/data/t17),)
DEMO_CORPUS ?= ../shared/data/t17
DEMO_QUERY ?= Mubarak Egypt protest
else
DEMO_CORPUS ?= tests/fixtures/ok.jsonl
DEMO_QUERY ?= storm OR bridge
endif
DEMO_DB ?= build/demo.db
demo: all
	@rm -rf $(DEMO_DB)
	build/newsline add --quiet --db $(DEMO_DB) $(DEMO_CORPUS)
	build/newsline stats --db $(DEMO_DB)
	build/newsline timeline --db $(DEMO_DB) --dates 12 --per-date 1 '$(DEMO_QUERY)'

clean:
	rm -rf build

# bench/*.c tools are linked against the library
build/bench/%: bench/%.c build/libnewsline.a
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) $< build/libnewsline.a $(LIBS) -lsqlite3 -o $@
