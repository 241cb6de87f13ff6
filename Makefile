# Plate Reader. `make run` sets everything up and starts the app;
# `make test` sets everything up and runs the tests (what CI runs).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := python3-tk xvfb xdotool x11-apps imagemagick fonts-dejavu-core \
	fonts-opendin fonts-roadgeek fonts-tiresias fonts-routed-gothic fonts-national-park \
	fonts-ocr-b fonts-bebas-neue fonts-roboto fonts-urw-base35 cmake g++

.PHONY: run test system venv venv-dev lint bench build-env package package-onefile clean

run: venv
	$(BIN)/python -m plate_gui

test: system venv-dev build-env
	$(BIN)/python -m pytest -q

# System packages (Xvfb for the GUI tests, plate fonts for the trainer), when root with apt.
system:
	@if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi; \
	else echo "not root or no apt-get: install $(APT_PACKAGES) yourself for the GUI tests"; fi

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

venv: $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.txt

venv-dev: $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements-dev.txt

lint: venv-dev
	$(BIN)/python -m ruff check .

bench: venv
	$(BIN)/python -m bench.accuracy

# The bundle is built from a runtime-only environment: no torch, no trainer tools, and
# OpenCV built with core and imgproc only (the PyPI wheel ships FFmpeg and OpenBLAS:
# 158 MB), compiled once into WHEEL_DIR (about 10 minutes) and reused after that.
# `make test` makes it too: the packaging test builds the bundle operators get.
BUILD_VENV := .venv-build
WHEEL_DIR ?= $(HOME)/.cache/plate-reader/wheels
$(BUILD_VENV)/bin/python:
	$(PY) -m venv $(BUILD_VENV)
	$(BUILD_VENV)/bin/python -m pip install -q --upgrade pip

build-env: $(BUILD_VENV)/bin/python
	$(BUILD_VENV)/bin/python -m pip install -q -r requirements.txt "pyinstaller>=6.6,<7"
	packaging/build_opencv.sh $(BUILD_VENV)/bin/python $(WHEEL_DIR)

package: build-env
	$(BUILD_VENV)/bin/python -m PyInstaller --noconfirm build.spec

package-onefile: build-env
	PLATE_READER_ONEFILE=1 $(BUILD_VENV)/bin/python -m PyInstaller --noconfirm build.spec

clean:
	rm -rf build dist .pytest_cache test-artifacts
