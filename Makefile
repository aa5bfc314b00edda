# mramsim: two commands do all set-up on a fresh Debian machine.
#   make demo   -> virtual env, package, ngspice; runs the CoFeB/MgO flow into out/demo
#   make test   -> the same set-up, then the test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
APT_PKGS := ngspice libngspice0 adms

.PHONY: demo test setup sys-deps bench clean

setup: sys-deps $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,distributed]"
	touch $(STAMP)

sys-deps:
	@missing=""; \
	command -v ngspice  >/dev/null 2>&1 || missing="$$missing ngspice"; \
	command -v admsXml  >/dev/null 2>&1 || missing="$$missing adms"; \
	ls /usr/lib/*/libngspice.so* >/dev/null 2>&1 || ls /usr/lib/libngspice.so* >/dev/null 2>&1 || missing="$$missing libngspice0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PKGS) >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PKGS) >/dev/null; \
	  else \
	    echo "mramsim needs the Debian packages: $(APT_PKGS) (missing:$$missing)."; \
	    echo "Install them as root:  apt-get install -y $(APT_PKGS)"; \
	    exit 1; \
	  fi; \
	fi

demo: setup
	$(VENV)/bin/mramsim run examples/cofeb_mgo_1mb.toml --out out/demo

test: setup
	$(PY) -m pytest -n 2 -q

bench: setup
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
