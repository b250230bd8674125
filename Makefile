# reviewloop: `make demo` and `make test` work on a fresh machine; see README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := build

# wasm-bindgen's CLI must match the crate's exact version, read from Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
WASM := target/wasm32-unknown-unknown/release/reviewloop.wasm
PKG := js/pkg
WIDGET_TARGET := target/widget
WIDGET_WASM := $(WIDGET_TARGET)/wasm32-unknown-unknown/widget/reviewloop.wasm
WIDGET_PKG := js/pkg-widget
CLASSIFY_TARGET := target/classify
CLASSIFY_WASM := $(CLASSIFY_TARGET)/wasm32-unknown-unknown/release/reviewloop.wasm
CLASSIFY_PKG := js/pkg-classify
# The features rustc enables for wasm32 by default; wasm-opt must accept them.
WASM_OPT_FEATURES := --enable-bulk-memory --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types
NODE_BIN := js/node_modules/.bin

.PHONY: setup setup-rust setup-node setup-browser build test test-rust test-wasm test-js test-browser test-worker demo worker-assets bench bench-report bench-widget bench-worker evaluate train clean

## Set-up: only what is missing is installed.
setup: setup-rust setup-node

setup-rust:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 3 minutes)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi

setup-node: js/node_modules/.package-lock.json

js/node_modules/.package-lock.json: js/package.json js/package-lock.json
	cd js && npm ci --no-audit --no-fund
	@touch $@

# Debian's Chromium for browser tests (needs root, as CI has).
setup-browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)

## The release build, one package a surface (README, "Packages per surface"):
## js/pkg holds the optimised wasm and its bindings for js/index.js: classifier,
## replies, feedback and reports (the Worker, the admin, the dashboard, the
## command line), with wasm-bindgen's reset function, so the Worker can rebuild
## its instance after a trap (`rebuild()`); js/pkg-classify the classifier
## alone, for js/classify.js (the demo page, `reviewloop classify`), same
## profile and reset function; js/pkg-widget the storefront widget's own,
## without replies and reports: a shopper's page pays for every byte. Each has
## its own target directory, so none rebuilds another.
build: setup
	cargo build --release --target wasm32-unknown-unknown --no-default-features --features api,reply,feedback,report
	$(call wasm_package,$(WASM),$(PKG),--experimental-reset-state-function)
	$(call rustc_known,$(CLASSIFY_TARGET))
	cargo build --release --target wasm32-unknown-unknown --no-default-features --features api --target-dir $(CLASSIFY_TARGET)
	$(call wasm_package,$(CLASSIFY_WASM),$(CLASSIFY_PKG),--experimental-reset-state-function)
	$(call rustc_known,$(WIDGET_TARGET))
	cargo build --profile widget --target wasm32-unknown-unknown --no-default-features --features widget,compact-index --target-dir $(WIDGET_TARGET)
	$(call wasm_package,$(WIDGET_WASM),$(WIDGET_PKG),)

# A new target directory ($(1)) starts with what cargo already learned about
# rustc in target/ (its cache, keyed by rustc and the question, not by the
# directory), so cargo does not ask rustc again. On 2026-11-24 that second
# asking failed in three of five fresh clones under make (rustc read another
# probe's error text as its input, "unknown start of token"), never the first.
define rustc_known
	@mkdir -p $(1) && if [ -f target/.rustc_info.json ] && [ ! -f $(1)/.rustc_info.json ]; then cp target/.rustc_info.json $(1)/; fi
endef

# A built .wasm ($(1)) made into a package ($(2)): bindings for ES modules,
# then optimised for size. $(3): more wasm-bindgen flags. wasm-opt leaves
# big functions that have one caller where rustc put them: merged into the
# one-shot loaders, they made V8 optimise far more code during the first
# classification (a fifth more CPU before the first result, counted with
# valgrind; README, "Where the start-up goes"), for no speed afterwards.
# --low-memory-unused: rustc puts the stack first, growing down from 1 MB,
# and the data above it, so the first kilobyte is touched only by a stack
# about to overflow; constant address offsets then fold into loads and
# stores (1.1 KB less gzipped in the widget's page).
define wasm_package
	wasm-bindgen --target web $(3) --out-dir $(2) --out-name reviewloop $(1)
	$(NODE_BIN)/wasm-opt -Oz --low-memory-unused --one-caller-inline-max-function-size 200 --strip-debug --strip-producers $(WASM_OPT_FEATURES) $(2)/reviewloop_bg.wasm -o $(2)/reviewloop_bg.wasm
endef

## Every suite: Rust (native), JavaScript (Node), browser (headless Chromium).
test: build setup-browser test-rust test-wasm test-js test-browser test-worker

test-rust:
	cargo test --quiet
	cargo test --quiet --features tools --test reply_eval --test matcher

# The widget's DOM tests in headless Chromium; wasm-bindgen-test-runner comes
# with wasm-bindgen-cli (setup-rust) at the crate's exact version.
test-wasm: setup-rust setup-browser
	CHROMEDRIVER=$${CHROMEDRIVER:-$$(command -v chromedriver)} \
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  cargo test --target wasm32-unknown-unknown --test widget_dom

test-js:
	node --test --test-reporter=spec tests/js/

test-browser:
	node --test --test-reporter=spec tests/browser/

# The edge worker in workerd (through miniflare), and its deploy bundle.
test-worker: worker-assets
	node --test --test-reporter=spec tests/worker/

# The whole product through the Worker in workerd (wrangler dev) on
# http://127.0.0.1:8787, with a local support/alert webhook receiver; Ctrl-C stops all.
demo: build
	node demo/worker-demo.js

# What the Worker serves besides its routes: the demo pages and the browser
# files of the package (wrangler.toml `[assets]`). Rebuilt from scratch, so a
# file deleted from demo/ or js/ is gone here too.
WORKER_ASSETS := target/worker-assets
# demo/ files that run in Node (servers, the demo runner), never served.
DEMO_NODE_ONLY := server.js headers.js feedback-endpoint.js receiver.js worker-demo.js
worker-assets:
	@for pkg in $(PKG) $(CLASSIFY_PKG) $(WIDGET_PKG); do \
	  test -f $$pkg/reviewloop_bg.wasm || { echo "$$pkg is missing: run make build first" >&2; exit 1; }; done
	@rm -rf $(WORKER_ASSETS) && mkdir -p $(WORKER_ASSETS)/js/pkg $(WORKER_ASSETS)/js/pkg-classify $(WORKER_ASSETS)/js/pkg-widget $(WORKER_ASSETS)/js/lib
	@cp -r demo/. $(WORKER_ASSETS)/ && cd $(WORKER_ASSETS) && rm -f $(DEMO_NODE_ONLY)
	@node demo/headers.js $(WORKER_ASSETS)
	@cp js/*.js $(WORKER_ASSETS)/js/ && rm -f $(WORKER_ASSETS)/js/cli.js $(WORKER_ASSETS)/js/worker.js
	@cp js/lib/*.js $(WORKER_ASSETS)/js/lib/
	@cp $(PKG)/reviewloop.js $(PKG)/reviewloop_bg.wasm $(WORKER_ASSETS)/js/pkg/
	@cp $(CLASSIFY_PKG)/reviewloop.js $(CLASSIFY_PKG)/reviewloop_bg.wasm $(WORKER_ASSETS)/js/pkg-classify/
	@cp $(WIDGET_PKG)/reviewloop.js $(WIDGET_PKG)/reviewloop_bg.wasm $(WORKER_ASSETS)/js/pkg-widget/

## The Worker under load (autocannon against local workerd): req/s, p50/p99, CPU per request.
bench-worker: build worker-assets
	node tests/bench/worker.js

## Figures: speed and size against the npm `sentiment` package; accuracy on ../shared/data.
bench: build
	node tests/bench/bench.js

## `reviewloop report` over 250k, 500k and 1M generated reviews: time and peak memory.
bench-report: build
	node tests/bench/report.js

# What the feedback widget adds to a page, and its time to interactive, in Chromium.
bench-widget: build setup-browser
	node tests/bench/widget.js

evaluate:
	cargo run --quiet --profile tools --features tools --bin evaluate
	cargo test --quiet --profile tools --features tools --test reply_eval -- --nocapture

# Retrains src/classify/data/sentiment_model.tsv (a committed data file).
train:
	cargo run --quiet --profile tools --features tools --bin train

clean:
	cargo clean
	rm -rf $(PKG) $(CLASSIFY_PKG) $(WIDGET_PKG) js/node_modules
