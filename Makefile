# Two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
# Django 6 needs Python >= 3.12: take the first suitable interpreter on this machine.
PYTHON ?= $(shell for p in python3.13 python3.12 /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$p; break; fi; done)
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test install migrate demo serve worker browsers messages clean system-run system-test

# What pip cannot install: gettext's msgfmt (compiled translations) for both commands, Debian's
# chromium for the browser tests. Installed with apt-get when missing and we are root; otherwise
# the command stops at once and says what to install.
define need_debian_packages
	@missing=""; for pair in $(1); do cmd=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing$$missing with apt-get"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else echo "Missing system packages: install them first (Debian/Ubuntu: sudo apt-get install -y$$missing)"; exit 1; fi; \
	fi
endef

system-run:
	$(call need_debian_packages,msgfmt:gettext)

system-test:
	$(call need_debian_packages,msgfmt:gettext chromium:chromium)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 not found (set PYTHON=/path/to/python3.12)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

messages: system-run install
	if [ -d comptoir/locale ]; then cd comptoir && ../$(BIN)/comptoir compilemessages >/dev/null; fi

migrate: messages
	$(BIN)/comptoir migrate --noinput

demo: migrate
	$(BIN)/comptoir load_cities FR ES IT DE BE PT NL CN
	$(BIN)/comptoir seed_demo --scale small

run: demo
	@echo "Comptoir on http://127.0.0.1:$(PORT)/ (the task worker runs beside it)"
	$(BIN)/comptoir db_worker --queue-name default >var/worker.log 2>&1 & echo $$! > var/worker.pid; \
	trap 'kill $$(cat var/worker.pid) 2>/dev/null' EXIT; \
	$(BIN)/comptoir runserver 127.0.0.1:$(PORT)

test: system-test messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var
