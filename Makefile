# reviewloop: `make demo` and `make test` work on a fresh machine; see README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := build

# wasm-bindgen's CLI must match the crate's exact version, read from Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
WASM := target/wasm32-unknown-unknown/release/reviewloop.wasm
PKG := js/pkg
# The features rustc enables for wasm32 by default; wasm-opt must accept them.
WASM_OPT_FEATURES := --enable-bulk-memory --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types
NODE_BIN := js/node_modules/.bin

.PHONY: setup setup-rust setup-node setup-browser build test test-rust test-wasm test-js test-browser demo bench bench-widget evaluate train clean

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

## The release build: js/pkg holds the optimised wasm and its bindings.
build: setup
	cargo build --release --target wasm32-unknown-unknown
	wasm-bindgen --target web --out-dir $(PKG) --out-name reviewloop $(WASM)
	$(NODE_BIN)/wasm-opt -Oz --strip-debug --strip-producers $(WASM_OPT_FEATURES) $(PKG)/reviewloop_bg.wasm -o $(PKG)/reviewloop_bg.wasm

## Every suite: Rust (native), JavaScript (Node), browser (headless Chromium).
test: build setup-browser test-rust test-wasm test-js test-browser

test-rust:
	cargo test --quiet
	cargo test --quiet --features tools --test reply_eval

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

demo: build
	node demo/server.js

## Figures: speed and size against the npm `sentiment` package; accuracy on ../shared/data.
bench: build
	node tests/bench/bench.js

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
	rm -rf $(PKG) js/node_modules
