# StagingRefresh: `make run` shows the refresh cycle locally, `make test` runs every test.
# Both install what is missing first (Debian packages with apt-get, Python ones with pip).

SWIFT       ?= swift
PYTHON      ?= python3
SWIFT_FLAGS := -Xswiftc -warnings-as-errors
RELEASE     := -c release --static-swift-stdlib
# Debian packages the build and the local peers need.
APT_PACKAGES := gcc postgresql-15 mariadb-server mariadb-client

.PHONY: all build release test unit integration run bench deps clean

all: build

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@$(PYTHON) -c "import awslambdaric, pytest, boto3, moto.server, psycopg, pymysql" 2>/dev/null || $(PYTHON) -m pip install -q -r tools/requirements.txt

build:
	$(SWIFT) build $(SWIFT_FLAGS)

release:
	$(SWIFT) build $(SWIFT_FLAGS) $(RELEASE)

test: deps build
	$(SWIFT) test $(SWIFT_FLAGS)
	$(PYTHON) -m pytest -p no:cacheprovider Tests/integration

run: deps build
	$(PYTHON) tools/run.py

bench: deps release
	$(PYTHON) tools/bench/run.py

clean:
	rm -rf .build dist
