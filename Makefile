# The two quick-start commands (README): `make demo` runs guided generation on the shipped small checkpoint,
# `make test` runs every notebook's tests. Both build the virtual environment on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

$(VENV)/.installed: settings.ini setup.py
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q torch==2.13.0
	$(VENV)/bin/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

test: install
	OMP_NUM_THREADS=1 $(PY) tools/test_nbs.py --workers 2

demo: install
	$(VENV)/bin/dglm generate "The movie was" "My neighbour told me that" --steer sentiment=positive --samples 2 --compare --words

.PHONY: install test demo
