# virtsim: build, run, test, check (sanitizers) and bench.
# `make run` and `make test` first run `make deps`, which installs what is missing.

CC      ?= cc
BUILD   ?= build
PKGS    := ncursesw yaml-0.1 cairo
VERSION := 0.1.0

# -ffp-contract=off: no fused multiply-add, so floating point gives the same
# bits on every machine (determinism).
CFLAGS_BASE := -std=c11 -Wall -Wextra -Werror -O2 -g -ffp-contract=off \
               -pthread -D_POSIX_C_SOURCE=200809L -DVS_VERSION='"$(VERSION)"' -Iinclude -I$(BUILD)/gen
SAN_FLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

ifeq ($(SANITIZE),1)
CFLAGS_BASE += $(SAN_FLAGS)
LDFLAGS     += $(SAN_FLAGS)
endif
# The fuzz build (clang only): the library instrumented for libFuzzer's
# coverage and checked by ASan and UBSan; the harnesses add the fuzzer's main.
FUZZ_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ifeq ($(FUZZ),1)
CFLAGS_BASE += -fsanitize=fuzzer-no-link $(FUZZ_SAN)
endif

PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_FLAGS = $(shell pkg-config --cflags --libs cmocka 2>/dev/null)
CFLAGS      += $(CFLAGS_BASE) $(PKG_CFLAGS)
LDLIBS      += $(PKG_LIBS) -lm -pthread

LIB_SRC   := $(wildcard sim/*/*.c approaches/*.c tui/*.c)
LIB_SRC   := $(filter-out sim/cli/main.c sim/tools/%,$(LIB_SRC))
LIB_OBJ   := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(BUILD)/obj/gen/builtin_data.o
DATA      := $(sort $(wildcard workloads/*.yaml scenarios/*.yaml scenarios/hosts/*.yaml labs/*.yaml))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
HEADERS   := $(wildcard include/virtsim/*/*.h sim/*/*.h)

.PHONY: all run test check check-layers bench deps clean unit-tests test-only fuzz fuzz-build fuzz-replay install
all: $(BUILD)/virtsim

$(BUILD)/virtsim: $(BUILD)/obj/sim/cli/main.o $(BUILD)/libvirtsim.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libvirtsim.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The built-in library: every YAML file embedded as a C string.
$(BUILD)/tools/embed: sim/tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -o $@ $<

$(BUILD)/gen/builtin_data.c: $(BUILD)/tools/embed $(DATA)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ $(DATA)

$(BUILD)/obj/gen/builtin_data.o: $(BUILD)/gen/builtin_data.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libvirtsim.a tests/unit/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libvirtsim.a $(CMOCKA_FLAGS) $(LDLIBS)

$(BUILD)/bench_%: tests/bench/bench_%.c $(BUILD)/libvirtsim.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libvirtsim.a $(LDLIBS)

# The layer rule (docs/architecture.md): no include goes up a layer.
check-layers:
	@sh tests/layers/check.sh

deps:
	@sh .ci/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@$(BUILD)/virtsim

unit-tests: $(UNIT_BIN)

# ---- fuzzing (docs/fuzzing.md) ----
# One libFuzzer harness per reader, tests/fuzz/fuzz_NAME.c. `make fuzz` builds
# them with clang into build/fuzz and runs each for FUZZ_SECONDS; the normal
# build links the same harnesses with tests/fuzz/replay.c (no clang needed)
# so that `make test` replays the committed corpus through them.
FUZZ_CC      ?= clang
FUZZ_BUILD   := build/fuzz
FUZZ_SECONDS ?= 120
FUZZ_NAMES   := workload host scenario lab chart_json merge_csv
FUZZ_DEPS    := tests/fuzz/fuzz.h tests/fuzz/fuzz_check.h tests/fuzz/fuzz_file.c
REPLAY_BIN   := $(patsubst %,$(BUILD)/fuzz-replay/fuzz_%,$(FUZZ_NAMES))

$(BUILD)/fuzz-replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_DEPS) $(BUILD)/libvirtsim.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c tests/fuzz/fuzz_file.c $(BUILD)/libvirtsim.a $(LDLIBS)

# Only in the FUZZ=1 sub-make below, where CC is clang and BUILD is build/fuzz.
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS) $(BUILD)/libvirtsim.a
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< tests/fuzz/fuzz_file.c $(BUILD)/libvirtsim.a $(LDLIBS)

fuzz-replay: $(REPLAY_BIN)

fuzz-build:
	@sh tests/fuzz/clang-ok.sh $(FUZZ_CC) || { echo "virtsim: make fuzz needs clang with libFuzzer (make deps installs it)" >&2; exit 1; }
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) FUZZ=1 $(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(FUZZ_NAMES))

# Seeds from the built-in library, the test data and outputs of the normal
# binary (results JSON, sweep CSVs), regenerated when any of them changes.
$(FUZZ_BUILD)/seeds/.stamp: $(BUILD)/virtsim tests/fuzz/seeds.sh $(DATA) $(wildcard tests/cli/data/*)
	@sh tests/fuzz/seeds.sh $(BUILD)/virtsim $(FUZZ_BUILD)/seeds
	@touch $@

fuzz: fuzz-build $(FUZZ_BUILD)/seeds/.stamp
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_NAMES)

test-only: $(BUILD)/virtsim unit-tests fuzz-replay
	@sh tests/run.sh $(BUILD)

test: deps
	@$(MAKE) --no-print-directory test-only

# The same suite, under AddressSanitizer and UndefinedBehaviorSanitizer.
check: deps
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 test-only

bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/bench_event $(BUILD)/bench_datacentre $(BUILD)/bench_density
	@$(BUILD)/bench_event
	@$(BUILD)/bench_datacentre
	@$(BUILD)/bench_density

# Installs the binary and the manual page under $(DESTDIR)$(PREFIX)
# (packagers set DESTDIR to a staging folder).
PREFIX  ?= /usr/local
DESTDIR ?=
install: $(BUILD)/virtsim
	mkdir -p "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1"
	cp $(BUILD)/virtsim "$(DESTDIR)$(PREFIX)/bin/virtsim"
	chmod 755 "$(DESTDIR)$(PREFIX)/bin/virtsim"
	cp docs/man/virtsim.1 "$(DESTDIR)$(PREFIX)/share/man/man1/virtsim.1"
	chmod 644 "$(DESTDIR)$(PREFIX)/share/man/man1/virtsim.1"

clean:
	rm -rf build
