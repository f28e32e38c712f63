# The two commands of the README:
#   make demo   set up, build (release) and run the tour; results in demo/index.html
#   make test   set up, build and run every test
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

.PHONY: demo test bootstrap release bench fuzz clean

demo: bootstrap release
	.build/release/latent demo --out demo

test: bootstrap
	swift build --build-tests
	swift test

bootstrap:
	@scripts/bootstrap.sh

release:
	swift build -c release --product latent

bench: bootstrap
	scripts/bench.sh

fuzz: bootstrap
	scripts/fuzz.sh

clean:
	rm -rf .build demo runs
