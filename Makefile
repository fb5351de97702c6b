# The two commands a new user needs: `make run` (the daemon on SQLite with the sample feeds)
# and `make test` (the whole suite). Everything installs into .venv on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: install run demo test lint eval eval-blind bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	# pip compiles the modules it installs, but an editable install leaves ours as source;
	# compiled, `monitor` starts about 0.15 s sooner where bytecode is not written on import
	$(BIN)/python -m compileall -q monitor
	touch $@

run: install
	$(BIN)/monitor db upgrade
	$(BIN)/monitor feeds import-opml feeds.opml
	$(BIN)/monitor run

demo: install
	$(BIN)/monitor demo

lint: install
	$(BIN)/ruff check monitor tests bench migrations
	$(BIN)/ruff format --check monitor tests bench migrations
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

eval: install
	$(BIN)/python bench/eval_input.py $(SHARED)/eval/dev.jsonl > $(VENV)/eval-input.jsonl
	$(BIN)/monitor extract $(VENV)/eval-input.jsonl > $(VENV)/eval-output.jsonl
	$(BIN)/python $(SHARED)/eval/score.py $(SHARED)/eval/dev.jsonl $(VENV)/eval-output.jsonl

# Our own labelled sets, written without looking at the rules (tests/data/eval/README.md).
eval-blind: install
	@for set in tests/data/eval/blind*.jsonl; do \
		echo "== $$set"; \
		$(BIN)/python bench/eval_input.py $$set > $(VENV)/eval-input.jsonl; \
		$(BIN)/monitor extract $(VENV)/eval-input.jsonl > $(VENV)/eval-output.jsonl; \
		$(BIN)/python $(SHARED)/eval/score.py $$set $(VENV)/eval-output.jsonl; \
	done

bench: install
	$(BIN)/python bench/detect.py
	$(BIN)/python bench/poll.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache monitor.db monitor.db-wal monitor.db-shm
