# The two commands of the README:
#   make run   install dependencies, build (Release) and start the local cluster on 127.0.0.1
#              (primary 6379, replicas 6380-6381, sentinels 26379-26381; deploy/cluster.sh)
#   make test  install dependencies, build, and run every test (unit + integration)
# .ci/run calls `make test`.

BUILD_DIR ?= build/release
ASAN_DIR ?= build/asan
JOBS ?= 2
CMAKE_GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")

.PHONY: deps build run test test-unit test-asan bench clean fuzz drills

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -G "$(CMAKE_GENERATOR)" -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	BUILD_DIR=$(BUILD_DIR) bash deploy/cluster.sh start

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-asan

# Unit tests and the integration suite again under AddressSanitizer + UBSan.
test-asan: deps
	cmake -S . -B $(ASAN_DIR) -G "$(CMAKE_GENERATOR)" -DCMAKE_BUILD_TYPE=Debug -DTANDEM_SANITIZE=ON
	cmake --build $(ASAN_DIR) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS)

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

bench: build
	TANDEM_SERVER=$(BUILD_DIR)/server/app/tandem-server bash bench/throughput.sh
	TANDEM_SERVER=$(BUILD_DIR)/server/app/tandem-server bash bench/memory.sh
	TANDEM_SERVER=$(BUILD_DIR)/server/app/tandem-server bash bench/instructions.sh
	TANDEM_SERVER=$(BUILD_DIR)/server/app/tandem-server bash bench/persistence.sh
	TANDEM_SERVER=$(BUILD_DIR)/server/app/tandem-server bash bench/replication.sh
	TANDEM_SERVER=$(BUILD_DIR)/server/app/tandem-server \
	  TANDEM_SENTINEL=$(BUILD_DIR)/sentinel/tandem-sentinel bash bench/failover.sh

# Failover drills in a network namespace (needs root, ip, nft): every scenario of
# deploy/drills/scenarios.py with plain writes and with min-replicas + WAIT; writes
# docs/failover-drills.md. About 5 minutes. DRILL_IMPLS=tandem,redis adds Redis 7.0 + Redis
# Sentinel side by side (twice as long: raise DRILL_LIMIT to 1100). No run starts after
# DRILL_LIMIT seconds; timeout kills the whole drill (which then cleans up) 150 s later.
DRILL_IMPLS ?= tandem
DRILL_LIMIT ?= 540
drills: build
	TANDEM_SERVER=$(BUILD_DIR)/server/app/tandem-server \
	  TANDEM_SENTINEL=$(BUILD_DIR)/sentinel/tandem-sentinel \
	  timeout -k 30 $$(( $(DRILL_LIMIT) + 150 )) /usr/bin/python3 deploy/drills/drill.py \
	  --impl $(DRILL_IMPLS) --limit $(DRILL_LIMIT) --doc docs/failover-drills.md

# libFuzzer builds of the request parser and the RDB loader (clang); see docs/fuzzing.md.
fuzz: deps
	cmake -S . -B build/fuzz -G "$(CMAKE_GENERATOR)" -DCMAKE_CXX_COMPILER=clang++ -DTANDEM_FUZZ=ON
	cmake --build build/fuzz -j $(JOBS) --target request_parser_fuzzer rdb_loader_fuzzer

clean:
	rm -rf build
