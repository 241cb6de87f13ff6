#!/usr/bin/env bash
# Build OpenCV's Python module with the two modules the app uses (core, imgproc) into a
# wheel, once, and install it over the PyPI wheel in the bundle's venv (`make package`).
#
# Why: opencv-python-headless from PyPI is 158 MB installed, because cv2.abi3.so links
# FFmpeg, OpenBLAS and every image codec, and PyInstaller must ship them all. The app
# decodes images with Pillow and calls only core and imgproc functions, so this build
# (12 MB, no linked libraries beyond libstdc++ and zlib) takes the bundle under 150 MB.
# The trainer and the tests keep the PyPI wheel (they write images with cv2.imwrite).
#
# Usage: packaging/build_opencv.sh PYTHON WHEEL_DIR
#   PYTHON     the interpreter the wheel is for (the bundle's venv)
#   WHEEL_DIR  where the wheel is kept; an existing one is reused (a build takes about
#              10 minutes on 2 cores and needs cmake, a C++ compiler and PyPI's sdist)
set -euo pipefail
PYTHON=${1:?usage: build_opencv.sh PYTHON WHEEL_DIR}
WHEEL_DIR=${2:?usage: build_opencv.sh PYTHON WHEEL_DIR}
VERSION=4.14.0.94  # opencv-python-headless release; requirements.txt allows >=4.9,<5

mkdir -p "$WHEEL_DIR"
wheel() { ls "$WHEEL_DIR"/opencv_python_headless-"$VERSION"-*.whl 2>/dev/null | head -1; }
install() {
  echo "OpenCV $VERSION (core, imgproc): installing $(wheel)"
  "$PYTHON" -m pip install -q --no-deps --force-reinstall "$(wheel)"
}
if [ -n "$(wheel)" ]; then install; exit 0; fi
for tool in cmake c++; do
  command -v "$tool" >/dev/null || { echo "build_opencv.sh: $tool is needed (apt-get install cmake g++)" >&2; exit 1; }
done
echo "Building OpenCV $VERSION with core and imgproc only (about 10 minutes on 2 cores)..."
# opencv-python's setup.py appends CMAKE_ARGS to its own options.
export ENABLE_HEADLESS=1 ENABLE_CONTRIB=0
export CMAKE_ARGS="-DBUILD_LIST=core,imgproc,python3 -DWITH_IPP=OFF -DWITH_LAPACK=OFF \
-DWITH_OPENCL=OFF -DWITH_FFMPEG=OFF -DWITH_GSTREAMER=OFF -DWITH_V4L=OFF -DWITH_1394=OFF \
-DWITH_ITT=OFF -DWITH_PROTOBUF=OFF -DWITH_EIGEN=OFF -DWITH_OPENEXR=OFF -DWITH_ADE=OFF \
-DWITH_VA=OFF -DWITH_VA_INTEL=OFF -DWITH_AVIF=OFF -DWITH_FLATBUFFERS=OFF -DWITH_TBB=OFF \
-DWITH_OPENMP=OFF -DCV_TRACE=OFF -DBUILD_JAVA=OFF -DBUILD_opencv_python_tests=OFF \
-DCMAKE_MODULE_LINKER_FLAGS=-s -DCMAKE_SHARED_LINKER_FLAGS=-s"
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PYTHON" -m pip download -q --no-deps --no-binary opencv-python-headless \
  "opencv-python-headless==$VERSION" -d "$work"
tar -xzf "$work"/opencv_python_headless-"$VERSION".tar.gz -C "$work"
# Its typing stubs refer to modules this build leaves out, so they are not generated;
# setup.py then looks for them in vain. The stubs are for IDEs, not needed to run.
"$PYTHON" - "$work/opencv_python_headless-$VERSION/setup.py" <<'PATCH'
import pathlib, sys
path = pathlib.Path(sys.argv[1])
text = path.read_text()
stubs = ('[ r"python/cv2/py.typed" ] if sys.version_info >= (3, 6) else []',
         'rearrange_cmake_output_data["cv2.typing"] = ["python/cv2" + r"/typing/.*\\.py"]')
if not all(s in text for s in stubs):
    sys.exit("build_opencv.sh: opencv-python's setup.py has changed; update its patch")
path.write_text(text.replace(stubs[0], "[]").replace(stubs[1], "pass"))
PATCH
"$PYTHON" -m pip wheel --no-deps "$work/opencv_python_headless-$VERSION" -w "$WHEEL_DIR"
install
