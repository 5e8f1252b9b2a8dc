# CardGate: the two commands of the README, and what they need.
SWIFT ?= swift

.PHONY: test demo pcscd build clean loadbench

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

## make loadbench: release cardgated and load-bench, a reference-site kit (made once), one load run.
LOADBENCH_KIT ?= /tmp/cardgate-loadbench
loadbench:
	command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	cd Tools/LoadBench && $(SWIFT) build -c release --scratch-path ../../.build-loadbench --product load-bench
	cd Tools/LoadBench && $(SWIFT) build -c release --scratch-path ../../.build-loadbench --product cardgated
	test -f $(LOADBENCH_KIT)/cardgate.sqlite || \
		(mkdir -p $(LOADBENCH_KIT) && .build-loadbench/release/load-bench setup --dir $(LOADBENCH_KIT))
	Tools/LoadBench/run.sh $(LOADBENCH_KIT)

build:
	$(SWIFT) build

clean:
	rm -rf .build
