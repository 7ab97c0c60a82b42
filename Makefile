# PocketBase v0.40 needs Go 1.27; the go command fetches it from the module proxy.
export GOTOOLCHAIN := go1.27.3

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.Version=$(VERSION)

.PHONY: run build test test-go test-fuzz test-e2e lint bench deploy

## run: build ./stovebot and serve on http://127.0.0.1:8090 with data in ./pb_data
run: build
	./stovebot serve --http 127.0.0.1:8090

## build: ./stovebot, version stamped from git describe
build:
	go build -trimpath -ldflags "$(LDFLAGS)" -o stovebot .

## test: every test, with the race detector, then a short run of each fuzz target, then the browser tests
test: test-go test-fuzz test-e2e

test-go:
	go test -race -count=1 -timeout 30m ./...

# each fuzz target with its package
FUZZ_TARGETS := FuzzChatRequest:./hooks/chat FuzzLegacyPagination:./hooks/legacy FuzzQuoteImport:./hooks/quotes
FUZZTIME ?= 10s

## test-fuzz: each fuzz target for FUZZTIME beyond its seed corpus
test-fuzz:
	@for t in $(FUZZ_TARGETS); do \
		f=$${t%%:*}; p=$${t#*:}; \
		echo "fuzz $$f"; go test -run='^$$' -fuzz="^$$f\$$" -fuzztime=$(FUZZTIME) $$p || exit 1; \
	done

CHROMIUM ?= /usr/bin/chromium

## test-e2e: the browser tests of e2e/ (real binary, fake OpenAI, Debian's chromium driven by playwright-core); installs chromium and fonts-noto-cjk with apt-get as root, else says how
test-e2e: build
	@command -v npm >/dev/null 2>&1 || { echo "test-e2e needs Node.js 20+ and npm: apt-get install -y nodejs npm"; exit 1; }
	@if [ ! -x "$(CHROMIUM)" ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null || exit 1; \
		else echo "test-e2e needs Debian's chromium and Korean fonts: sudo apt-get install -y chromium fonts-noto-cjk"; exit 1; fi; \
	fi
	cd e2e && npm ci --no-audit --no-fund --loglevel=error
	cd e2e && STOVEBOT_BIN="$(CURDIR)/stovebot" CHROMIUM_PATH="$(CHROMIUM)" npm test

## lint: gofmt, go vet, and staticcheck when it is installed
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	go vet ./...
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck ./...; else echo "staticcheck not installed, skipped"; fi

## bench: the benchmarks of SPEC section 12 against the real binary and a fake upstream, as one table
bench:
	go run ./bench

## deploy: build for HOST's architecture, install stovebot there as a systemd service with HTTPS for DOMAIN (DRY_RUN=1 prints the commands)
deploy:
	@if [ -z "$(HOST)" ] || [ -z "$(DOMAIN)" ] || [ -z "$(EMAIL)" ]; then echo "usage: make deploy HOST=user@host DOMAIN=chat.example.com EMAIL=you@example.com"; exit 2; fi
	deploy/deploy.sh "$(HOST)" "$(DOMAIN)" "$(EMAIL)"
