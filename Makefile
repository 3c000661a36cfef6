# StagingRefresh: `make run` shows the refresh cycle locally, `make test` runs every test.
# Both install what is missing first (Debian packages with apt-get, Python ones with pip).

SWIFT       ?= swift
PYTHON      ?= python3
SWIFT_FLAGS := -Xswiftc -warnings-as-errors
# The shipped build: static Swift stdlib, and static libstdc++/libgcc so that provided.al2023
# (glibc 2.34, GCC 11) needs nothing but glibc. Swift's driver asks for -lstdc++; a folder holding
# only libstdc++.a, searched first, makes that the static library.
STATIC_CXX  := .build/static-cxx
RELEASE     := -c release --static-swift-stdlib -Xlinker -L$(CURDIR)/$(STATIC_CXX) -Xswiftc -Xclang-linker -Xswiftc -static-libgcc
# The SQL files `make package` puts in the migrations layer.
MIGRATIONS  ?= tools/sample-migrations
# The libcurl the zip carries (tools/curl/build.sh: Debian's curl source, OpenSSL linked in).
CURL_LIB    := .build/curl/libcurl-staging-refresh.so
# checkov pins its own boto3, which would replace the one the tests check signatures against: it
# gets a virtual environment of its own.
LINT_VENV   := .build/lint
CHECKOV     := checkov==3.3.30
# Debian packages the build and the local peers need.
APT_PACKAGES := gcc make libstdc++-12-dev binutils libssl-dev dpkg-dev patch xz-utils postgresql-15 mariadb-server mariadb-client

.PHONY: all build release curl lint-tools package test unit integration run bench deps clean

all: build

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@PIP_ROOT_USER_ACTION=ignore $(PYTHON) -m pip install -q --disable-pip-version-check -r tools/requirements.txt

build:
	$(SWIFT) build $(SWIFT_FLAGS)

$(STATIC_CXX)/libstdc++.a:
	@library="$$(gcc -print-file-name=libstdc++.a)"; test -f "$$library" || { echo "no static libstdc++: apt-get install libstdc++-12-dev (make deps does)"; exit 1; }; \
	mkdir -p $(STATIC_CXX) && ln -sf "$$library" $@

release: deps $(STATIC_CXX)/libstdc++.a
	$(SWIFT) build $(SWIFT_FLAGS) $(RELEASE)

$(CURL_LIB): tools/curl/build.sh tools/curl/exports.map
	tools/curl/build.sh $(dir $@)

curl: deps $(CURL_LIB)

$(LINT_VENV)/bin/checkov:
	$(PYTHON) -m venv $(LINT_VENV) && $(LINT_VENV)/bin/pip install -q $(CHECKOV)

lint-tools: $(LINT_VENV)/bin/checkov

package: deps release $(CURL_LIB)
	$(PYTHON) tools/package/package.py .build/release/bootstrap $(CURL_LIB) $(MIGRATIONS) dist

# The Swift tests: decisions and codecs, no peers.
unit:
	$(SWIFT) test $(SWIFT_FLAGS)

# The real binary against the local peers (moto, PostgreSQL, MariaDB, the emulators).
integration: deps build package lint-tools
	$(PYTHON) -m pytest -p no:cacheprovider Tests/integration

test: deps build package lint-tools
	$(SWIFT) test $(SWIFT_FLAGS)
	$(PYTHON) -m pytest -p no:cacheprovider Tests/integration

run: deps build package
	$(PYTHON) tools/run.py

bench: package
	$(PYTHON) tools/bench/run.py

clean:
	rm -rf .build dist
