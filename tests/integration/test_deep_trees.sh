#!/usr/bin/env bash
# Folders nested thousands of levels deep: the tree walks refuse them (a clear message, a
# rejected push) instead of recursing until the stack runs out.
. "$(dirname "$0")/lib.sh"

# A commit on refs/heads/deep whose tree holds d/d/.../d/koder.toml, `levels` folders deep.
deep_commit() {
    levels=$1
    path=$(printf 'd/%.0s' $(seq "$levels"))koder.toml
    {
        echo "commit refs/heads/deep"
        echo "committer KSA Test <ksa-test@example.invalid> 1767225600 +0000"
        echo "data 4"
        echo "deep"
        echo "M 100644 inline $path"
        echo "data 20"
        echo 'category = "product"'
    } | git fast-import --quiet
}

begin_case "a push with folders 1,500 levels deep is rejected with a clear message"
git init -q --bare server.git
mkdir -p server.git/hooks
ln -s "$KSA_SOURCE_DIR/hooks/pre-receive" server.git/hooks/pre-receive
git init -q -b main client
cd client
deep_commit 1500
expect_exit_in "1 128" git push -q "file://$CASE_DIR/server.git" deep
expect_contains "$ERR" "nested more than 1024 levels"
expect_contains "$ERR" "pre-receive hook declined"
end_case

begin_case "--rev over such a commit exits 2 with the same message; 1,000 levels are fine"
git init -q -b main repo
cd repo
deep_commit 1500
expect_exit 2 koder-spec-audit koder-toml --validate --rev deep
expect_contains "$ERR" "nested more than 1024 levels"
git update-ref -d refs/heads/deep
deep_commit 1000
expect_exit 0 koder-spec-audit koder-toml --validate --rev deep
expect_contains "$OUT" "1 manifest checked"
end_case

finish
