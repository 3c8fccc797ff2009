#!/usr/bin/env bash
# self-hosted --gate-check on real repositories: each evidence check from a committed tree
# (--rev), the index (--cached) and the working tree; output formats; --online against
# loopback servers (one that answers, one that refuses, one that never answers).
. "$(dirname -- "$0")/lib.sh"

# component EXTRA PASSED [STATUS]: a module manifest at engines/kx with [self_hosted].
component() {
    cat <<EOF2
category = "engine"

[package]
name = "kx"
version = "1.0.0"

[self_hosted]
replaces = ["ffmpeg"]
status = "${3:-stable}"
gates_passed = [$2]
gates_pending = []
$1
EOF2
}

# A repository with two consumer modules and a backed engines/kx; enters it.
backed_repo() {
    new_repo repo
    cd repo
    write_file libs/a/koder.toml "$(printf 'category = "product"\n[app]\nslug = "a"\n')"
    write_file libs/b/koder.toml "$(printf 'category = "product"\n[app]\nslug = "b"\n')"
    write_file engines/kx/bench/r.md "numbers"
    write_file engines/kx/CHANGELOG.md "$(printf '# kx\n\n## 1.0.0\n\n<!-- koder-status: stable -->\n- stable\n')"
    write_file engines/kx/koder.toml "$(component 'benchmark_ref = "engines/kx/bench/r.md"
production_ref = ["libs/a", "libs/b"]' '"performance", "stability", "production_proven"')"
    git add -A
    git commit -q -m "backed"
    # Three releases since it left experimental (it entered stable): G3 is earned.
    release_kx 1.1.0
    release_kx 1.2.0
    release_kx 1.3.0
}

# release_kx VERSION: commit a version bump of engines/kx.
release_kx() {
    sed -i "s/^version = .*/version = \"$1\"/" engines/kx/koder.toml
    git commit -q -am "kx $1"
}

begin_case "a backed component: exit 0, stability earned by three releases in the history"
backed_repo
expect_exit 0 koder-spec-audit self-hosted --gate-check
expect_contains "$OUT" "stability verdicts are those of the history up to HEAD"
expect_contains "$OUT" "no problems"
expect_exit 0 koder-spec-audit self-hosted --gate-check --rev HEAD engines/kx
expect_exit 0 koder-spec-audit self-hosted --gate-check --cached
end_case

begin_case "stability claimed with two releases, and after a regression: KSA023 from the history"
backed_repo
git reset -q --hard HEAD~1
expect_exit 1 koder-spec-audit self-hosted --gate-check
expect_contains "$OUT" 'error[KSA023]: gate `stability` is passed but the history verdict says it is not earned: 2 of 3 releases; every case: 2 release(s) since it left experimental'
release_kx 1.3.0
expect_exit 0 koder-spec-audit self-hosted --gate-check
# performance leaves gates_passed (a regression), comes back: the count restarts there.
sed -i 's/gates_passed = \["performance", /gates_passed = [/' engines/kx/koder.toml
git commit -q -am "kx: performance regressed"
regression=$(git rev-parse --short=10 HEAD)
sed -i 's/gates_passed = \[/gates_passed = ["performance", /' engines/kx/koder.toml
release_kx 1.4.0
expect_exit 1 koder-spec-audit self-hosted --gate-check
expect_contains "$OUT" "every case: 1 release(s) since the regression at $regression (performance left gates_passed)"
# --rev judges that revision's history: before the regression it was earned.
expect_exit 0 koder-spec-audit self-hosted --gate-check --rev HEAD~2
end_case

begin_case "a stability claim the history cannot back is KSA023 in the working tree, the index and a revision"
# HEAD: experimental for mp3. The change claims stable with `stability`: no release backs it.
new_repo repo
cd repo
write_file engines/kx/koder.toml "$(component 'cases = ["mp3"]' '"feature_parity:mp3"' experimental)"
git add -A
git commit -q -m "kx experimental for mp3"
sed -i 's/^status = .*/status = "stable"/; s/^gates_passed = .*/gates_passed = ["feature_parity:mp3", "stability"]/' \
    engines/kx/koder.toml
expect_exit 1 koder-spec-audit self-hosted --gate-check
expect_contains "$OUT" 'error[KSA023]: gate `stability` is passed but the history verdict says it is not earned: 0 of 3 releases; mp3: still experimental in the history up to HEAD'
expect_not_contains "$OUT" "not checked"
git add -A
expect_exit 1 koder-spec-audit self-hosted --gate-check --cached
expect_contains "$OUT" 'error[KSA023]: gate `stability` is passed but the history verdict says it is not earned'
git commit -q -m "kx stable for mp3"
expect_exit 1 koder-spec-audit self-hosted --gate-check --rev HEAD
expect_contains "$OUT" 'error[KSA023]: gate `stability` is passed but the history verdict says it is not earned: 0 of 3 releases; mp3: 0 release(s) since it left experimental'
# `stability:mp3` (a case of its own) and a component the history has never seen: the same.
sed -i 's/"stability"/"stability:mp3"/' engines/kx/koder.toml
write_file engines/ky/koder.toml "$(component 'cases = ["mp3"]' '"stability"' | sed 's/"kx"/"ky"/')"
expect_exit 1 koder-spec-audit self-hosted --gate-check
expect_contains "$OUT" 'error[KSA023]: gate `stability:mp3` is passed but the history verdict says it is not earned'
expect_contains "$OUT" 'mp3: no [self_hosted] block of ky in the history up to HEAD'
end_case

begin_case "stability claims outside a git history are reported as not checked"
backed_repo
rm -rf .git
expect_exit 0 koder-spec-audit self-hosted --gate-check
expect_contains "$OUT" "note: stability claims not checked: not a git repository"
expect_contains "$OUT" 'note: kx: `stability` (every case) not checked (no history verdict)'
end_case

begin_case "a missing benchmark file (KSA020), in the commit but not on disk, and the other way round"
backed_repo
git rm -q engines/kx/bench/r.md
git commit -q -m "drop the benchmark"
expect_exit 1 koder-spec-audit self-hosted --gate-check --rev HEAD
expect_contains "$OUT" 'engines/kx/koder.toml:12:17: error[KSA020]: `benchmark_ref` engines/kx/bench/r.md does not exist in the revision HEAD'
expect_exit 0 koder-spec-audit self-hosted --gate-check --rev HEAD~1
# Staged again, not committed: the index has it, HEAD does not.
write_file engines/kx/bench/r.md "numbers"
git add engines/kx/bench/r.md
expect_exit 0 koder-spec-audit self-hosted --gate-check --cached
expect_exit 1 koder-spec-audit self-hosted --gate-check --rev HEAD
end_case

begin_case "benchmark_ref through ../, absolute, a directory or a symlink (KSA020)"
backed_repo
mkdir -p engines/kx/benchdir
ln -s ../../../outside.md engines/kx/link.md
touch engines/kx/benchdir/.keep
for ref in "engines/kx/../../../outside.md|leaves the repository through \`..\`" \
           "/etc/passwd|is absolute" \
           "engines/kx/benchdir|is a directory, expected a regular file" \
           "engines/kx/link.md|is a symbolic link, expected a regular file"; do
    path=${ref%%|*}
    sed -i "s#^benchmark_ref = .*#benchmark_ref = \"$path\"#" engines/kx/koder.toml
    git add -A
    git commit -q -m "ref $path"
    expect_exit 1 koder-spec-audit self-hosted --gate-check --rev HEAD
    expect_contains "$OUT" "error[KSA020]"
    expect_contains "$OUT" "${ref#*|}"
    expect_exit 1 koder-spec-audit self-hosted --gate-check
    expect_contains "$OUT" "${ref#*|}"
done
end_case

begin_case "production_proven with a single consumer, and a production_ref naming no module (KSA021)"
backed_repo
sed -i 's#^production_ref = .*#production_ref = ["libs/a", "s.forge"]#' engines/kx/koder.toml
git commit -q -am "one consumer"
expect_exit 1 koder-spec-audit self-hosted --gate-check --rev HEAD
expect_contains "$OUT" 'error[KSA021]: gate `production_proven` needs at least 2 consuming modules in `production_ref`; found 1 (libs/a)'
expect_contains "$OUT" "note: 1 production host(s) not probed (use --online)"
sed -i 's#^production_ref = .*#production_ref = ["libs/a", "libs/gone"]#' engines/kx/koder.toml
git commit -q -am "a gone consumer"
expect_exit 1 koder-spec-audit self-hosted --gate-check --rev HEAD
expect_contains "$OUT" '"libs/gone" names no module: there is no libs/gone/koder.toml in the revision HEAD'
end_case

begin_case "a missing changelog marker, and a stale one (KSA022)"
backed_repo
write_file engines/kx/CHANGELOG.md "$(printf '# kx\n\nStatus: stable\n')"
git commit -q -am "marker gone"
expect_exit 1 koder-spec-audit self-hosted --gate-check --rev HEAD
expect_contains "$OUT" 'engines/kx/koder.toml:9:10: error[KSA022]: `status = "stable"` is not backed: engines/kx/CHANGELOG.md has no koder-status marker'
expect_contains "$OUT" 'help: add the line `<!-- koder-status: stable -->` to the newest entry of engines/kx/CHANGELOG.md'
write_file engines/kx/CHANGELOG.md "$(printf '## 2\n<!-- koder-status: experimental -->\n## 1\n<!-- koder-status: stable -->\n')"
git commit -q -am "newest marker disagrees"
expect_exit 1 koder-spec-audit self-hosted --gate-check --rev HEAD
expect_contains "$OUT" 'but the newest koder-status marker of engines/kx/CHANGELOG.md (line 2) says `experimental`'
git rm -q engines/kx/CHANGELOG.md
git commit -q -m "no changelog"
expect_exit 1 koder-spec-audit self-hosted --gate-check --rev HEAD
expect_contains "$OUT" "engines/kx/CHANGELOG.md does not exist"
end_case

begin_case "experimental with stability passed (KSA023); official with a pending gate (KSA009)"
backed_repo
write_file engines/kx/CHANGELOG.md '<!-- koder-status: experimental -->'
sed -i 's/^status = .*/status = "experimental"/' engines/kx/koder.toml
git commit -q -am "experimental"
expect_exit 1 koder-spec-audit self-hosted --gate-check --rev HEAD
expect_contains "$OUT" 'error[KSA023]: gate `stability` is passed while `status = "experimental"`'
write_file engines/kx/CHANGELOG.md '<!-- koder-status: official -->'
sed -i 's/^status = .*/status = "official"/; s/^gates_pending = .*/gates_pending = ["capability:hevc"]/' engines/kx/koder.toml
git commit -q -am "official with a pending gate"
expect_exit 1 koder-spec-audit self-hosted --gate-check --rev HEAD
expect_contains "$OUT" 'error[KSA009]: `status = "official"` but gate `capability:hevc` is pending for every case'
end_case

begin_case "JSON and SARIF output through the report renderers; usage errors exit 2"
backed_repo
git rm -q engines/kx/bench/r.md
git commit -q -m "drop the benchmark"
expect_exit 1 koder-spec-audit self-hosted --gate-check --format json
python3 -m json.tool "$OUT" >/dev/null || fail "gate-check JSON is not valid"
expect_contains "$OUT" '"rule": "KSA020"'
expect_contains "$OUT" '"notes": ['
expect_exit 1 koder-spec-audit self-hosted --gate-check --format sarif
python3 -m json.tool "$OUT" >/dev/null || fail "gate-check SARIF is not valid"
expect_contains "$OUT" '"ruleId": "KSA020"'
expect_exit 2 koder-spec-audit self-hosted --gate-check libs/none
expect_exit 2 koder-spec-audit self-hosted --online
expect_exit 2 koder-spec-audit self-hosted --validate --online
expect_exit 2 koder-spec-audit self-hosted --gate-check --validate
expect_exit 2 koder-spec-audit self-hosted --gate-check --online --timeout 0
end_case

# --- --online ------------------------------------------------------------------------------

# Loopback servers, each ending on its own after 120 s so a failed test leaves nothing behind.
start_servers() {
    cat >"$TEST_DIR/servers.py" <<'PY'
import http.server, socket, sys, threading, os, time
kind, port_file = sys.argv[1], sys.argv[2]
threading.Timer(120, lambda: os._exit(0)).start()
if kind == "answer":
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    open(port_file, "w").write(str(server.server_address[1]))
    server.serve_forever()
elif kind == "tls":      # HTTPS with a self-signed certificate
    import ssl
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[3], sys.argv[4])
    server.socket = context.wrap_socket(server.socket, server_side=True)
    open(port_file, "w").write(str(server.server_address[1]))
    server.serve_forever()
elif kind in ("close", "garbage"):   # hangs up at once, or answers something that is not HTTP
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
    open(port_file, "w").write(str(s.getsockname()[1]))
    while True:
        conn, _ = s.accept()
        conn.recv(4096)  # read the request first: closing with unread data would reset
        if kind == "garbage":
            conn.sendall(b"hello there\r\n")
        conn.close()
elif kind == "count":    # three silent ports; records the most connections held open at once
    lock, state = threading.Lock(), {"open": 0, "peak": 0}
    def hold(conn):
        with lock:
            state["open"] += 1; state["peak"] = max(state["peak"], state["open"])
            open(port_file + ".peak", "w").write(str(state["peak"]))
        try:
            while conn.recv(4096): pass
        except OSError: pass
        with lock: state["open"] -= 1
    def serve(s):
        while True:
            conn, _ = s.accept(); threading.Thread(target=hold, args=(conn,), daemon=True).start()
    sockets = []
    for _ in range(3):
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16); sockets.append(s)
        threading.Thread(target=serve, args=(s,), daemon=True).start()
    open(port_file, "w").write(" ".join(str(s.getsockname()[1]) for s in sockets))
    threading.Event().wait()
elif kind == "silent":   # accepts connections, never says a word
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
    open(port_file, "w").write(str(s.getsockname()[1]))
    held = []
    while True:
        conn, _ = s.accept(); held.append(conn)
else:                    # a port nobody listens on
    s = socket.socket(); s.bind(("127.0.0.1", 0))
    open(port_file, "w").write(str(s.getsockname()[1])); s.close()
PY
    SERVER_PIDS=""
    for kind in answer silent refuse close garbage count; do
        rm -f "$TEST_DIR/$kind.port"
        python3 "$TEST_DIR/servers.py" "$kind" "$TEST_DIR/$kind.port" </dev/null >/dev/null 2>&1 &
        SERVER_PIDS="$SERVER_PIDS $!"
        for _ in $(seq 100); do [ -s "$TEST_DIR/$kind.port" ] && break; sleep 0.05; done
        [ -s "$TEST_DIR/$kind.port" ] || fail "the $kind server did not start"
    done
    ANSWER_PORT=$(cat "$TEST_DIR/answer.port")
    SILENT_PORT=$(cat "$TEST_DIR/silent.port")
    REFUSE_PORT=$(cat "$TEST_DIR/refuse.port")
    CLOSE_PORT=$(cat "$TEST_DIR/close.port")
    GARBAGE_PORT=$(cat "$TEST_DIR/garbage.port")
    COUNT_PORTS=$(cat "$TEST_DIR/count.port")
}

# An HTTPS server with a self-signed certificate (needs the openssl command); sets TLS_PORT.
start_tls_server() {
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 \
        -keyout "$TEST_DIR/key.pem" -out "$TEST_DIR/cert.pem" >/dev/null 2>&1 || return 1
    rm -f "$TEST_DIR/tls.port"
    python3 "$TEST_DIR/servers.py" tls "$TEST_DIR/tls.port" "$TEST_DIR/cert.pem" "$TEST_DIR/key.pem" </dev/null >/dev/null 2>&1 &
    SERVER_PIDS="$SERVER_PIDS $!"
    for _ in $(seq 100); do [ -s "$TEST_DIR/tls.port" ] && break; sleep 0.05; done
    [ -s "$TEST_DIR/tls.port" ] || return 1
    TLS_PORT=$(cat "$TEST_DIR/tls.port")
}

stop_servers() {
    for pid in $SERVER_PIDS; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}

begin_case "--online: the answering host passes, the refusing and the silent ones are reported (KSA024)"
command -v python3 >/dev/null || skip_test "python3 is needed for the loopback servers"
start_servers
backed_repo
sed -i "s#^production_ref = .*#production_ref = [\"libs/a\", \"libs/b\", \"127.0.0.1:$ANSWER_PORT\"]#" engines/kx/koder.toml
git commit -q -am "answering host"
expect_exit 0 koder-spec-audit self-hosted --gate-check --online --timeout 1
expect_contains "$OUT" "note: kx: production host 127.0.0.1:$ANSWER_PORT answers: HTTP 200"
# Without --online nothing is probed.
expect_exit 0 koder-spec-audit self-hosted --gate-check
expect_contains "$OUT" "1 production host(s) not probed (use --online)"

sed -i "s#^production_ref = .*#production_ref = [\"libs/a\", \"libs/b\", \"127.0.0.1:$REFUSE_PORT\", \"127.0.0.1:$SILENT_PORT\"]#" engines/kx/koder.toml
git commit -q -am "refusing and silent hosts"
started=$(date +%s)
expect_exit 1 koder-spec-audit self-hosted --gate-check --online --timeout 1
elapsed=$(($(date +%s) - started))
expect_contains "$OUT" "error[KSA024]: production host 127.0.0.1:$REFUSE_PORT does not answer: https: Connection refused; http: Connection refused"
expect_contains "$OUT" "error[KSA024]: production host 127.0.0.1:$SILENT_PORT does not answer: https: no TLS answer within the timeout; http: no answer within the timeout"
# Bounded by the timeout (1 s per scheme), not by the silent server.
[ "$elapsed" -le 10 ] || fail "the probe took $elapsed s; the timeout is 1 s per scheme"
expect_exit 1 koder-spec-audit self-hosted --gate-check --online --timeout 1 --format json
python3 -m json.tool "$OUT" >/dev/null || fail "--online JSON is not valid"
expect_contains "$OUT" '"rule": "KSA024"'

# A server that hangs up, and one that answers something that is not HTTP.
sed -i "s#^production_ref = .*#production_ref = [\"libs/a\", \"libs/b\", \"127.0.0.1:$CLOSE_PORT\", \"127.0.0.1:$GARBAGE_PORT\"]#" engines/kx/koder.toml
git commit -q -am "closing and garbage hosts"
expect_exit 1 koder-spec-audit self-hosted --gate-check --online --timeout 1
expect_contains "$OUT" "production host 127.0.0.1:$CLOSE_PORT does not answer: https: "
expect_contains "$OUT" "http: the connection closed without an answer"
expect_contains "$OUT" "http: the answer is not HTTP"
# Every host at once (libcurl's multi interface): three silent hosts hold three connections
# together; probed one after the other, they would never hold more than one.
read -r p1 p2 p3 <<<"$COUNT_PORTS"
sed -i "s#^production_ref = .*#production_ref = [\"libs/a\", \"libs/b\", \"127.0.0.1:$p1\", \"127.0.0.1:$p2\", \"127.0.0.1:$p3\"]#" engines/kx/koder.toml
git commit -q -am "three silent hosts"
expect_exit 1 koder-spec-audit self-hosted --gate-check --online --timeout 1
expect_count "$OUT" "error[KSA024]" 3
# At least 3: a host's http attempt may open while another host's https attempt is still open.
[ "$(cat "$TEST_DIR/count.port.peak")" -ge 3 ] || fail "the hosts were not probed at once: at most $(cat "$TEST_DIR/count.port.peak") connection(s) open together"
# A name that does not resolve is reported as such, within the timeout.
sed -i "s#^production_ref = .*#production_ref = [\"libs/a\", \"libs/b\", \"no-such-host.invalid\"]#" engines/kx/koder.toml
git commit -q -am "unresolvable host"
expect_exit 1 koder-spec-audit self-hosted --gate-check --online --timeout 1
expect_contains "$OUT" "production host no-such-host.invalid does not answer: https: cannot resolve no-such-host.invalid"
stop_servers
end_case

begin_case "--online over HTTPS (libcurl): a self-signed server answers, not verified; verified with its CA"
command -v python3 >/dev/null || skip_test "python3 is needed for the loopback servers"
command -v openssl >/dev/null || skip_test "openssl is needed for the test certificate"
start_servers
start_tls_server || fail "could not start the HTTPS test server"
backed_repo
sed -i "s#^production_ref = .*#production_ref = [\"libs/a\", \"libs/b\", \"127.0.0.1:$TLS_PORT\"]#" engines/kx/koder.toml
git commit -q -am "https host"
expect_exit 0 koder-spec-audit self-hosted --gate-check --online --timeout 3
# The system's CA store does not know it: reachable, with the reason the certificate failed.
expect_contains "$OUT" "note: kx: production host 127.0.0.1:$TLS_PORT answers: HTTPS 200 (certificate not verified: SSL certificate problem: self-signed certificate)"
# SSL_CERT_FILE names another CA bundle, as for OpenSSL's tools and curl's.
SSL_CERT_FILE="$TEST_DIR/cert.pem" expect_exit 0 koder-spec-audit self-hosted --gate-check --online --timeout 3
expect_contains "$OUT" "note: kx: production host 127.0.0.1:$TLS_PORT answers: HTTPS 200 (certificate verified)"
stop_servers
end_case

begin_case "the hooks never probe: a commit with an unreachable production host is accepted"
new_hooked_repo repo
write_file engines/kx/koder.toml "$(component 'production_ref = ["127.0.0.1:9"]' '"feature_parity"')"
git add -A
commit_ok -m "unreachable host"
expect_not_contains "$ERR" "KSA024"
end_case

finish
