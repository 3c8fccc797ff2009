# Build settings as interface targets, so every target opts in the same way.

# Warnings: on everywhere, errors when KSA_WERROR is set (CI sets it).
option(KSA_WERROR "Treat compiler warnings as errors" OFF)
add_library(ksa_warnings INTERFACE)
target_compile_options(ksa_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
  -Wno-sign-conversion $<$<BOOL:${KSA_WERROR}>:-Werror>)

# Sanitizers: address + undefined behaviour, for the hardened test run.
option(KSA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
add_library(ksa_sanitizers INTERFACE)
if(KSA_SANITIZE)
  target_compile_options(ksa_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -O1
    -fno-sanitize-recover=all)
  target_link_options(ksa_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# Fuzzing: libFuzzer's coverage instrumentation (clang only) on the core library itself, so the
# fuzz targets link the real ksa_core (tests/fuzz/CMakeLists.txt). install/setup.sh --fuzz and
# --test configure build-fuzz/ with it.
option(KSA_FUZZ "Build the fuzz targets as libFuzzer binaries (clang): instruments ksa_core" OFF)
add_library(ksa_fuzzing INTERFACE)
if(KSA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "KSA_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  target_compile_options(ksa_fuzzing INTERFACE -fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)
  target_link_options(ksa_fuzzing INTERFACE -fsanitize=address,undefined)
endif()
