#
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# The system-description tool, tools/sel4ft-sdf (doc/sdf.md): its tests, its install, and the parts of the
# docs it generates. Included by the top-level Makefile (SEL4FT_DIR, BUILD_DIR, RESULTS_DIR, PYTHON, HOST_CC,
# PREFIX, DESTDIR, MICROKIT_SDK, MICROKIT_BOARD, TOOLCHAIN come from there).

SDF_TOOL := $(SEL4FT_DIR)/tools/sel4ft-sdf
SDF_DIAGRAM := $(SEL4FT_DIR)/doc/sdf/recovery

.PHONY: sdf-test install-sdf sdf-docs diagrams

# Broken and good system files, hostile input, headers against the examples' sources, reports, diagrams, the
# install; with the SDK, Microkit 2.0.1's own verdict on every test file and the checks with the built images.
sdf-test:
	@$(PYTHON) $(SEL4FT_DIR)/tests/sdf/run.py --results $(RESULTS_DIR) --build-dir $(BUILD_DIR) --cc $(HOST_CC) \
		--sdk "$(MICROKIT_SDK)" --board $(MICROKIT_BOARD) --toolchain $(TOOLCHAIN)

install-sdf:
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(SDF_TOOL) $(DESTDIR)$(PREFIX)/bin/sel4ft-sdf

# doc/sdf/recovery.{dot,svg,png} (the SVG and PNG need Graphviz's dot).
diagrams:
	$(PYTHON) $(SDF_TOOL) diagram $(SEL4FT_DIR)/examples/recovery/recovery.system \
		-o $(SDF_DIAGRAM).dot -o $(SDF_DIAGRAM).svg -o $(SDF_DIAGRAM).png

# The diagram, the report in doc/sdf.md and the privilege tables in the examples' READMEs.
sdf-docs: diagrams
	$(PYTHON) $(SEL4FT_DIR)/tests/sdf/run.py --update-docs
