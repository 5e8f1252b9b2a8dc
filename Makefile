# CardGate: the two commands of the README, and what they need.
SWIFT ?= swift

.PHONY: test demo pcscd build clean

## make test: install what is missing, start pcscd with the virtual readers, run every test.
test: pcscd
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## make demo: start pcscd, serve a simulated card to a virtual reader, watch the reader see it.
demo: pcscd
	$(SWIFT) build --product cardgate
	$(SWIFT) build --product cardgated
	Tools/demo.sh

pcscd:
	Tools/setup-pcscd.sh

build:
	$(SWIFT) build

clean:
	rm -rf .build
