# Every target works on a fresh machine with Python 3.11, pip and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := samples/liuzhou-chengzhong-2020.txt

.PHONY: install run test eval bench chart soak mutants clean

$(BIN)/reportbot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,browse]'
	touch $@

install: $(BIN)/reportbot

# Without TELEGRAM_BOT_TOKEN: a console chat over the bundled sample report.
run: install
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then \
		$(BIN)/reportbot serve; \
	else \
		$(BIN)/reportbot reports --json | grep -q '"id"' || $(BIN)/reportbot ingest $(SAMPLE); \
		$(BIN)/reportbot chat; \
	fi

test: install
	$(BIN)/python -m pytest -q

# Accuracy per kind of answer on bench/eval_questions.toml, and the answer latency.
eval: install
	$(BIN)/python -m bench.evaluate

# Ingest, index, memory, cold start, re-ingest and answer latency at 100, 1,000 and 10,000
# synthetic reports, beside rank-bm25: a table, and bench/results/bench.json.
bench: install
	$(BIN)/python -m bench.run_bench

# The README's charts, docs/chart-example.png and docs/chart-bodies.png: generated reports of
# made-up bodies, ingested, read back from the database and drawn as a series answer is.
chart: install
	$(BIN)/python -m bench.chart_example docs

# The bot against the fake Bot API: 200 users for 180 s while an admin uploads reports; replies,
# errors, p50/p99 reply time, memory. SOAK_SECONDS=20 make soak for a quick run.
soak: install
	$(BIN)/python -m bench.soak

# Mutation testing of the modules where a wrong line means a wrong figure, a score per module
# (docs/mutants.md). Not in CI: an hour or more on two cores. One module:
# make mutants MUTANTS=ingest/values.py; again only what survived: MUTANTS=--survivors.
$(VENV)/.mutation: $(BIN)/reportbot
	$(BIN)/pip install --quiet -e '.[test,browse,mutation]'
	touch $@

mutants: $(VENV)/.mutation
	$(BIN)/python -m bench.mutants --jobs 2 $(MUTANTS)

clean:
	rm -rf $(VENV) data .pytest_cache mutants
