# The two commands of the README:
#   make demo   set up, build (release) and run the tour; results in demo/index.html
#   make test   set up, build and run every test
#   make install  build in release mode and copy latent to $(PREFIX)/bin (default /usr/local;
#                 `make install PREFIX=~/.local` needs no root)
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

PREFIX ?= /usr/local

.PHONY: demo test bootstrap release install bench fuzz clean

demo: bootstrap release
	.build/release/latent demo --out demo

test: bootstrap
	swift build --build-tests
	swift test

bootstrap:
	@scripts/bootstrap.sh

release:
	swift build -c release --product latent

install: bootstrap release
	install -d $(PREFIX)/bin
	install -m 755 .build/release/latent $(PREFIX)/bin/latent

bench: bootstrap
	scripts/bench.sh

fuzz: bootstrap
	scripts/fuzz.sh

clean:
	rm -rf .build demo runs
