# The two commands: `make run` starts everything, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install install-runtime lint lock migrate clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Running needs only the runtime pins; the test tools come with `make test`.
$(VENV)/.installed-runtime: requirements.lock $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.installed: requirements-dev.lock $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@ $(VENV)/.installed-runtime

install-runtime: $(VENV)/.installed-runtime

install: $(VENV)/.installed

migrate: install-runtime
	$(BIN)/python manage.py migrate --noinput

## Start the web application, the Celery worker and Celery beat together (Ctrl-C stops all three).
run: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_incidents
	$(BIN)/python manage.py seed_demo_reviews
	$(BIN)/python manage.py seed_demo_actions
	@echo ""
	@echo "  Post-mortems is starting at http://127.0.0.1:$(PORT)/"
	@echo ""
	PORT=$(PORT) $(BIN)/honcho start --no-prefix -f Procfile.dev 2>&1 || test $$? -eq 130

## Run the whole test suite (PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set), in two processes
## that each have their own test database and their own Redis (tests/worker_services.py); TEST_WORKERS=0 runs one.
TEST_WORKERS ?= 2
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lock: install
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe --extra test -o requirements-dev.lock pyproject.toml

clean:
	rm -rf var staticfiles .pytest_cache
