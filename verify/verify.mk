#
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# make verify: Frama-C (EVA) proofs that the parsers of shared memory are free of run-time errors, and the
# Spin model of the log ring's signalling (doc/verification.md). Included by the top-level Makefile; needs
# Debian's frama-c-base, why3, z3, cvc4, cvc5 and spin (a missing tool is an error, never a skip).
# Everything it writes, the why3 configuration included, goes to $(BUILD_DIR)/verify.

VERIFY_DIR = $(BUILD_DIR)/verify
# why3 reads and writes its configuration here, never in the caller's home (WP's provers come through it).
verify verify-tools: export WHY3CONFIG = $(VERIFY_DIR)/why3.conf

.PHONY: verify verify-tools

verify-tools:
	@missing=; for t in frama-c why3 z3 cvc4 cvc5 spin gcc; do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then echo "verify: error: not found:$$missing (Debian: apt-get install frama-c-base why3 z3 cvc4 cvc5 spin)" >&2; \
		$(PYTHON) -c 'import sys; sys.path.insert(0, "tests"); import results; results.record(sys.argv[1], "verify", 0, 1)' "$(RESULTS_DIR)"; \
		exit 1; fi
	@mkdir -p $(VERIFY_DIR)
	@why3 config detect > $(VERIFY_DIR)/why3-detect.log 2>&1 || { cat $(VERIFY_DIR)/why3-detect.log >&2; exit 1; }

verify: verify-tools
	@$(PYTHON) verify/run.py --out-dir $(VERIFY_DIR) --results $(RESULTS_DIR)
