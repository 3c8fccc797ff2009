# Installation layout and the Debian package (CPack's DEB generator): `install/setup.sh
# --package`, or `cpack -G DEB` in a build folder. Depends comes from dpkg-shlibdeps (dpkg-dev).
include(GNUInstallDirs)

# The manual page, written by the built tool from its own --help texts and tables
# (`koder-spec-audit man-page`, docs/manual.md "The manual page"), compressed as Debian wants.
set(KSA_MAN_PAGE ${PROJECT_BINARY_DIR}/koder-spec-audit.1.gz)
add_custom_command(OUTPUT ${KSA_MAN_PAGE}
  COMMAND sh -c "\"$0\" man-page >\"$1.tmp\" && gzip -9n <\"$1.tmp\" >\"$1\" && rm -f \"$1.tmp\""
          $<TARGET_FILE:koder-spec-audit> ${KSA_MAN_PAGE}
  DEPENDS koder-spec-audit
  COMMENT "Writing the manual page koder-spec-audit(1)"
  VERBATIM)
add_custom_target(ksa_man_page ALL DEPENDS ${KSA_MAN_PAGE})

install(TARGETS koder-spec-audit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${KSA_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# One script; pre-commit, pre-push and pre-receive are symlinks to it (installed as symlinks).
install(PROGRAMS hooks/koder-spec-audit-hook DESTINATION ${CMAKE_INSTALL_DATADIR}/koder-spec-audit/hooks)
install(FILES hooks/pre-commit hooks/pre-push hooks/pre-receive
        DESTINATION ${CMAKE_INSTALL_DATADIR}/koder-spec-audit/hooks)
install(PROGRAMS install/forgejo-hook.sh DESTINATION ${CMAKE_INSTALL_DATADIR}/koder-spec-audit/install)
install(FILES README.md CONTRIBUTING.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
install(FILES examples/ci/koder-spec-audit.yml DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/ci)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME koder-spec-audit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Koder Stack developers <dev@koder.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "keeps koder.toml self-hosting declarations honest (git hooks and CLI)")
set(CPACK_PACKAGE_DESCRIPTION
    "Validates the koder.toml manifests of a monorepo and their [self_hosted] blocks as a pre-commit, pre-push and
pre-receive git hook and as a command for CI: the registry of self-hosted pairs, the stability gate from git
history, the evidence behind passed gates. Hooks in /usr/share/koder-spec-audit/hooks, the manual in
/usr/share/doc/koder-spec-audit and koder-spec-audit(1).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # koder-spec-audit_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION vcs)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS git)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS pre-commit)
include(CPack)
