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
