# Entry points. Each target installs missing Debian packages first
# (scripts/install-deps.sh), then configures and builds with CMake.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all deps configure build demo test fuzz format clean golden-update

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD)/CMakeCache.txt ]; then \
	  cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS); \
	fi

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Rewrites golden files from the current compiler output; review the diff.
golden-update: build
	for t in $(BUILD)/bin/rdl_*_tests; do RDL_UPDATE_GOLDEN=1 $$t >/dev/null || true; done
	git status --short

# Benchmark (not part of test): every tool on generated logs, checked against
# the ground truth; see bench/run.sh and docs/performance.md.
.PHONY: bench
bench: build
	RDL_BUILD=$(BUILD) bash bench/run.sh

# libFuzzer targets (clang, ASan) in build-fuzz; see tests/fuzz/smoke.sh.
# fuzz: each target 20 s with a random seed (exploratory).
# fuzz-smoke: deterministic and short (-seed=1, fixed runs per target), for CI.
.PHONY: fuzz-build fuzz-smoke
fuzz-build: deps
	cmake -S . -B build-fuzz $(GENERATOR) -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DRDL_FUZZ=ON -DRDL_TESTS=OFF -DRDL_JIT=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build-fuzz -j $(JOBS) --target rdl_fuzzers

fuzz: fuzz-build
	bash tests/fuzz/smoke.sh build-fuzz

fuzz-smoke: fuzz-build
	bash tests/fuzz/smoke.sh build-fuzz --ci

format:
	git ls-files '*.cc' '*.h' '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-fuzz
