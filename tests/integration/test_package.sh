#!/usr/bin/env bash
# The Debian package (install/setup.sh --package; cmake/Packaging.cmake): CPack builds it from
# this build folder into the test's folder, `dpkg-deb -x` unpacks it into a throwaway root as an
# install on a fresh Debian 12 would lay it out, and the unpacked tool, hooks and man page run.
. "$(dirname -- "$0")/lib.sh"

[ -n "${KSA_BUILD_DIR:-}" ] && [ -f "$KSA_BUILD_DIR/CPackConfig.cmake" ] ||
    fail "KSA_BUILD_DIR must name the CMake build folder (got '${KSA_BUILD_DIR:-}')"
for tool in cpack dpkg-deb dpkg-shlibdeps file man; do
    command -v "$tool" >/dev/null 2>&1 ||
        fail "$tool not found: install/setup.sh --test installs dpkg-dev, file and man-db"
done

version=$("$KSA_BIN" --version | sed -n 's/^koder-spec-audit //p')
arch=$(dpkg --print-architecture)
PACKAGE="$TEST_DIR/koder-spec-audit_${version}_${arch}.deb"
ROOT="$TEST_DIR/root"

begin_case "cpack builds koder-spec-audit_<version>_<arch>.deb"
[ -n "$version" ] || fail "no version from $KSA_BIN --version"
# -B: the package and CPack's staging go to the test's folder, not the build folder.
expect_exit 0 cpack --config "$KSA_BUILD_DIR/CPackConfig.cmake" -G DEB -B "$TEST_DIR"
expect_file "$PACKAGE"
end_case

begin_case "the control fields: name, version, architecture, Depends from the shared libraries"
expect_exit 0 dpkg-deb --field "$PACKAGE" Package Version Architecture Depends Maintainer Recommends
expect_contains "$OUT" "Package: koder-spec-audit"
expect_contains "$OUT" "Version: $version"
expect_contains "$OUT" "Architecture: $arch"
expect_contains "$OUT" "Recommends: git"
# dpkg-shlibdeps: the libraries the binary links, with versions.
for library in "libc6 (>=" "libgit2-1.5 (>=" "libcurl4 (>=" "libstdc++6 (>=" "zlib1g (>="; do
    expect_contains "$OUT" "$library"
done
end_case

begin_case "the file list: the tool, the hooks (symlinks to one script), the installer, the man page, the docs"
expect_exit 0 dpkg-deb --contents "$PACKAGE"
awk '{ line = $1 " " $6; if ($7 != "") line = line " " $7 " " $8; print line }' "$OUT" >list.txt
for entry in \
    "-rwxr-xr-x ./usr/bin/koder-spec-audit" \
    "-rwxr-xr-x ./usr/share/koder-spec-audit/hooks/koder-spec-audit-hook" \
    "lrwxrwxrwx ./usr/share/koder-spec-audit/hooks/pre-commit -> koder-spec-audit-hook" \
    "lrwxrwxrwx ./usr/share/koder-spec-audit/hooks/pre-push -> koder-spec-audit-hook" \
    "lrwxrwxrwx ./usr/share/koder-spec-audit/hooks/pre-receive -> koder-spec-audit-hook" \
    "-rwxr-xr-x ./usr/share/koder-spec-audit/install/forgejo-hook.sh" \
    "-rw-r--r-- ./usr/share/man/man1/koder-spec-audit.1.gz" \
    "-rw-r--r-- ./usr/share/doc/koder-spec-audit/README.md" \
    "-rw-r--r-- ./usr/share/doc/koder-spec-audit/manual.md" \
    "-rw-r--r-- ./usr/share/doc/koder-spec-audit/rules.md" \
    "-rw-r--r-- ./usr/share/doc/koder-spec-audit/editors.md" \
    "-rw-r--r-- ./usr/share/doc/koder-spec-audit/examples/ci/koder-spec-audit.yml"; do
    grep -q -x -F -e "$entry" list.txt || { cat list.txt >&2; fail "the package lacks: $entry"; }
done
# Everything under /usr, owned by root; nothing of the build or the tests.
awk '{ print $6 }' "$OUT" | grep -v -e '^\./usr/' -e '^\./$' >outside.txt || true
expect_empty outside.txt
expect_not_contains list.txt "fuzz"
expect_not_contains list.txt "/usr/local"
expect_count "$OUT" "root/root" "$(wc -l <list.txt)"
end_case

begin_case "unpacked into a fresh root: the tool runs and knows its version"
expect_exit 0 dpkg-deb -x "$PACKAGE" "$ROOT"
expect_exit 0 "$ROOT/usr/bin/koder-spec-audit" --version
expect_contains "$OUT" "koder-spec-audit $version"
# Stripped (CPACK_STRIP_FILES), and it still runs its commands.
expect_exit 0 file "$ROOT/usr/bin/koder-spec-audit"
expect_contains "$OUT" ", stripped"
expect_exit 0 "$ROOT/usr/bin/koder-spec-audit" -C "$KSA_SOURCE_DIR/examples/monorepo" self-hosted --validate
expect_contains "$OUT" "no problems"
end_case

begin_case "the packaged hook finds the packaged tool (<prefix>/bin beside share/) and rejects a bad commit"
PATH=$(path_without_tool)
export PATH
new_repo repo
cd repo
mkdir -p .git/hooks
ln -s "$ROOT/usr/share/koder-spec-audit/hooks/pre-commit" .git/hooks/pre-commit
write_file engines/a/koder.toml "$(manifest_bad_status a)"
git add -A
commit_rejected -m "bad status"
expect_contains "$ERR" "error[KSA005]"
write_file engines/a/koder.toml "$(manifest_ok a)"
git add -A
commit_ok -m "good status"
end_case

begin_case "man -l renders the man page: every command, exit status, files, environment"
PAGE="$ROOT/usr/share/man/man1/koder-spec-audit.1.gz"
MANWIDTH=80 MANPAGER=cat PAGER=cat expect_exit 0 man --warnings -l "$PAGE"
expect_empty "$ERR"
for text in "KODER-SPEC-AUDIT(1)" "NAME" "keeps the koder.toml self-hosting" "SYNOPSIS" "COMMANDS" \
    "self-hosted" "koder-toml" "hook pre-commit" "hook pre-receive" "hook pre-push" "rules" "schema" "config" \
    "man-page" "--gate-check" "--history" "--from-ref" "--phase" "OUTPUT FORMATS" "SETTINGS" \
    "koder-audit.trustedRef" "EXIT STATUS" "could not run" "ENVIRONMENT" "PRE_COMMIT_FROM_REF" "FILES" \
    ".koder-spec-audit.toml" "SEE ALSO" "koder-spec-audit $version"; do
    expect_contains "$OUT" "$text"
done
# The page is the tool's own output: the same bytes as `man-page`.
gzip -dc "$PAGE" >page.1
"$KSA_BIN" man-page >expected.1
cmp -s page.1 expected.1 || fail "the packaged man page is not what koder-spec-audit man-page writes"
end_case

finish
