#!/usr/bin/env bash
# PATH and MODULE arguments: relative to the current folder, or absolute inside the
# repository (as linters take them); anything outside the repository is refused with exit 2.
. "$(dirname -- "$0")/lib.sh"

# A repository with a clean module and a module whose status is misspelt; enters it.
paths_repo() {
    new_repo repo
    cd repo
    write_file engines/good/koder.toml "$(manifest_ok good)"
    write_file engines/bad/koder.toml "$(manifest_bad_status bad)"
    git add -A
    git commit -q -m tree
}

begin_case "an absolute path inside the repository is accepted by every command that takes paths"
paths_repo
root=$PWD
expect_exit 0 koder-spec-audit koder-toml --validate "$root/engines/good/koder.toml"
expect_contains "$OUT" "1 manifest checked in the working tree, no problems"
expect_exit 1 koder-spec-audit koder-toml --validate "$root/engines/bad/koder.toml"
expect_contains "$OUT" "engines/bad/koder.toml:9:10: error[KSA005]"
expect_exit 0 koder-spec-audit self-hosted --validate "$root/engines/good"
expect_exit 0 koder-spec-audit self-hosted --validate "$root/engines/good/"
expect_exit 1 koder-spec-audit koder-toml --validate "$root"
expect_contains "$OUT" "in 2 manifests checked"
expect_exit 0 koder-spec-audit koder-toml --validate --rev HEAD "$root/engines/good/koder.toml"
expect_exit 0 koder-spec-audit koder-toml --validate --cached "$root/engines/good"
expect_exit_in "0 1" koder-spec-audit self-hosted --gate-check "$root/engines/good"
expect_contains "$OUT" "in 1 manifest checked in the working tree"
# From a subfolder, and with a path that climbs out and back in.
(cd engines/bad && set +e && koder-spec-audit koder-toml --validate "$root/engines/good/../good/koder.toml"
 echo "exit=$?") >"$OUT" 2>"$ERR"
expect_contains "$OUT" "exit=0"
end_case

begin_case "an absolute path through a symlinked folder names the same repository"
paths_repo
cd ..
ln -s repo link
cd link
expect_exit 0 koder-spec-audit koder-toml --validate "$PWD/engines/good/koder.toml"
expect_exit 1 koder-spec-audit koder-toml --validate "$(cd .. && pwd -P)/repo/engines/bad"
expect_contains "$OUT" "engines/bad/koder.toml:9:10: error[KSA005]"
end_case

begin_case "absolute paths outside the repository are refused, naming the path"
paths_repo
write_file ../outside/koder.toml "$(manifest_ok outside)"
outside=$(cd ../outside && pwd -P)
expect_exit 2 koder-spec-audit koder-toml --validate "$outside/koder.toml"
expect_contains "$ERR" "koder-spec-audit: error: '$outside/koder.toml' is outside the repository"
expect_exit 2 koder-spec-audit koder-toml --validate /etc
expect_contains "$ERR" "'/etc' is outside the repository"
expect_exit 2 koder-spec-audit self-hosted --validate "$PWD/../outside"
# A prefix of the repository's path is not inside it.
mkdir -p ../repo-other
expect_exit 2 koder-spec-audit koder-toml --validate "$PWD-other"
end_case

begin_case "outside a git repository the current folder is the root"
mkdir plain
cd plain
write_file engines/good/koder.toml "$(manifest_ok good)"
expect_exit 0 koder-spec-audit koder-toml --validate "$PWD/engines/good/koder.toml"
expect_exit 2 koder-spec-audit koder-toml --validate /etc
end_case

finish
