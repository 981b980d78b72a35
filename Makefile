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

.PHONY: all run test check check-layers bench deps clean unit-tests test-only
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

test-only: $(BUILD)/virtsim unit-tests
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

clean:
	rm -rf build
