#!/usr/bin/env bash
# The pre-receive hook behind smart HTTP: `git http-backend` run as a CGI by a small
# Python web server on 127.0.0.1 (a random free port), the way a plain git server (or a
# forge's HTTP front end) runs it. Pushes go through real HTTP requests: the hook's report
# reaches the pusher as `remote:` lines, the web server's authenticated user is the pusher
# for overrides (koder-audit.pusherVariable REMOTE_USER), and large or compressed request
# bodies (chunked transfer, gzip) are passed on as git sends them.
. "$(dirname -- "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_test "python3 is not installed (it runs the test's web server)"

# --- the web server ------------------------------------------------------------------

WEB_PID=""
stop_web_server() {
    if [ -n "$WEB_PID" ]; then
        kill "$WEB_PID" 2>/dev/null || true
        wait "$WEB_PID" 2>/dev/null || true
        WEB_PID=""
    fi
}
# The server goes whatever happens; then lib.sh's on_exit, which reads the exit status from
# $? (set +e: the `(exit N)` that restores it must not end the trap under set -e).
on_exit_with_web_server() {
    exit_status=$?
    stop_web_server
    set +e
    (exit "$exit_status")
    on_exit
}
trap on_exit_with_web_server EXIT
trap 'exit 143' TERM INT HUP

WEB_ROOT="$TEST_DIR/web"
WEB_LOG="$TEST_DIR/web.log"
mkdir -p -- "$WEB_ROOT"

cat >"$TEST_DIR/git_http_server.py" <<'EOF'
#!/usr/bin/env python3
"""Smart HTTP for git in a few lines: every request runs `git http-backend` as a CGI.

Usage: git_http_server.py PROJECT_ROOT PORT_FILE LOG_FILE PARENT_PID

Listens on 127.0.0.1 only, on a free port it writes to PORT_FILE. Pushes (git-receive-pack)
need HTTP basic authentication, any password: the user becomes REMOTE_USER, as behind a real
web server. Exits with its parent (the test), or after ten minutes at most.
"""
import base64
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

ROOT, PORT_FILE, LOG_FILE, PARENT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
log_lock = threading.Lock()


def log(line):
    with log_lock, open(LOG_FILE, "a", encoding="utf-8", errors="backslashreplace") as out:
        out.write(line.rstrip("\n") + "\n")


class GitHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, and "Expect: 100-continue" is answered

    def log_message(self, format, *args):
        log("access: " + (format % args))

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def reply(self, status, headers, payload):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def user(self):
        authorization = self.headers.get("Authorization", "")
        if not authorization.startswith("Basic "):
            return None
        return base64.b64decode(authorization[6:]).decode("utf-8", "replace").split(":", 1)[0]

    def run_backend(self):
        url = urlsplit(self.path)
        body = self.read_body() if self.command == "POST" else b""
        log("request: %s %s encoding=%s transfer=%s bytes=%d" % (
            self.command, self.path, self.headers.get("Content-Encoding", "-"),
            self.headers.get("Transfer-Encoding", "-"), len(body)))
        user = self.user()
        if user is None and ("service=git-receive-pack" in url.query or url.path.endswith("/git-receive-pack")):
            self.reply(401, [("WWW-Authenticate", 'Basic realm="git"')], b"authentication required\n")
            return
        env = dict(os.environ)
        env.update({
            "GIT_PROJECT_ROOT": ROOT,
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": unquote(url.path),
            "QUERY_STRING": url.query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": self.client_address[0],
        })
        if user is not None:
            env["REMOTE_USER"] = user
        for header, variable in (("Content-Encoding", "HTTP_CONTENT_ENCODING"), ("Git-Protocol", "GIT_PROTOCOL")):
            if self.headers.get(header):
                env[variable] = self.headers[header]
        result = subprocess.run(["git", "http-backend"], input=body, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if result.stderr:
            log("http-backend stderr: " + result.stderr.decode("utf-8", "backslashreplace"))
        output = result.stdout
        ends = [i for i in (output.find(b"\r\n\r\n"), output.find(b"\n\n")) if i >= 0]
        if result.returncode != 0 and not ends:
            self.reply(500, [("Content-Type", "text/plain")], b"git http-backend failed\n")
            return
        end = min(ends) if ends else 0
        separator = 4 if output[end:end + 4] == b"\r\n\r\n" else 2
        status, headers = 200, []
        for line in output[:end].decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() == "status":
                status = int(value.split()[0])
            elif name.strip():
                headers.append((name.strip(), value.strip()))
        self.reply(status, headers, output[end + separator:] if ends else b"")

    do_GET = run_backend
    do_POST = run_backend


def watch_parent(server):
    started = time.monotonic()
    while time.monotonic() - started < 600:
        try:
            os.kill(PARENT, 0)
        except OSError:
            break
        time.sleep(0.5)
    server.shutdown()


server = ThreadingHTTPServer(("127.0.0.1", 0), GitHandler)
server.daemon_threads = True
threading.Thread(target=watch_parent, args=(server,), daemon=True).start()
with open(PORT_FILE + ".tmp", "w") as out:
    out.write("%d\n" % server.server_address[1])
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
EOF

# An empty repository to probe the server with.
git init -q --bare -- "$WEB_ROOT/probe.git"
python3 "$TEST_DIR/git_http_server.py" "$WEB_ROOT" "$TEST_DIR/port" "$WEB_LOG" "$$" >"$TEST_DIR/web.out" 2>&1 &
WEB_PID=$!

# Waits for the port, then for an answer to a real git request.
PORT=""
for _ in $(seq 100); do
    kill -0 "$WEB_PID" 2>/dev/null || { cat -- "$TEST_DIR/web.out" >&2; echo "$TEST_NAME: the web server died" >&2; exit 1; }
    if [ -s "$TEST_DIR/port" ]; then
        PORT=$(cat -- "$TEST_DIR/port")
        git ls-remote "http://127.0.0.1:$PORT/probe.git" >/dev/null 2>&1 && break
    fi
    sleep 0.1
done
git ls-remote "http://127.0.0.1:$PORT/probe.git" >/dev/null \
    || { cat -- "$TEST_DIR/web.out" "$WEB_LOG" >&2; echo "$TEST_NAME: the web server does not answer" >&2; exit 1; }

# --- helpers -------------------------------------------------------------------------

# new_server NAME: a bare repository served as http://127.0.0.1:PORT/NAME, pushes enabled,
# with hooks/pre-receive linked to the source tree's hook. SERVER names its folder.
new_server() {
    git init -q --bare -- "$WEB_ROOT/$1"
    git -C "$WEB_ROOT/$1" config http.receivepack true
    mkdir -p -- "$WEB_ROOT/$1/hooks"
    ln -s -- "$KSA_SOURCE_DIR/hooks/pre-receive" "$WEB_ROOT/$1/hooks/pre-receive"
    SERVER="$WEB_ROOT/$1"
    SERVER_NAME=$1
}

# url [USER]: the server's URL, with USER (any password) for pushes.
url() {
    printf 'http://%s127.0.0.1:%s/%s\n' "${1:+$1:secret@}" "$PORT" "$SERVER_NAME"
}

# new_client DIR USER: a repository whose origin is the server over HTTP as USER; enters DIR.
new_client() {
    new_repo "$1"
    git -C "$1" remote add origin "$(url "$2")"
    cd -- "$1"
}


# --- cases -----------------------------------------------------------------------------

begin_case "a clean push over HTTP is accepted"
new_server clean.git
new_client client alice
commit_file README.md "# test" "readme"
commit_file engines/web/koder.toml "$(manifest_ok koder-web)" "add koder-web"
push_ok origin main
expect_contains "$ERR" "remote: koder-spec-audit: 1 manifest checked in the push (2 new commits on 1 ref), no problems (phase 4)"
expect_contains "$ERR" "* [new branch]      main -> main"
expect_server_ref refs/heads/main "$(rev)"
# It really went through the web server, authenticated.
expect_contains "$WEB_LOG" "request: POST /clean.git/git-receive-pack"
end_case

begin_case "a bad manifest over HTTP is rejected with the diagnostic as remote: lines"
new_server bad.git
new_client client alice
commit_file README.md "# test" "readme"
push_ok origin main
before=$(rev)
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "add koder-web"
push_rejected origin main
expect_contains "$ERR" "remote: refs/heads/main, commit $(short) \"add koder-web\":"
expect_contains "$ERR" 'remote: engines/web/koder.toml:9:10: error[KSA005]: `status = "stabel"` is not a known status'
expect_contains "$ERR" 'remote:  9 | status = "stabel"'
expect_contains "$ERR" 'remote:   help: did you mean `stable`?'
expect_contains "$ERR" "remote: koder-spec-audit: 1 error, 0 warnings in 1 manifest checked in the push (1 new commit on 1 ref) (phase 4)"
expect_contains "$ERR" "! [remote rejected] main -> main (pre-receive hook declined)"
expect_server_ref refs/heads/main "$before"
if git -C "$SERVER" cat-file -e "$(rev)" 2>/dev/null; then
    fail "the rejected commit reached the server"
fi
# A clone over HTTP sees only the accepted history.
cd ..
expect_exit 0 git clone -q "$(url)" fresh
[ "$(git -C fresh rev-parse HEAD)" = "$before" ] || fail "the clone does not end at the last accepted commit"
end_case

begin_case "overrides over HTTP: the authenticated user is the pusher (REMOTE_USER)"
new_server override.git
git -C "$SERVER" config receive.advertisePushOptions true
git -C "$SERVER" config koder-audit.pusherVariable REMOTE_USER
git -C "$SERVER" config koder-audit.overrideUser alice
git -C "$SERVER" config koder-audit.overrideLog "$CASE_DIR/overrides.log"
new_client client bob
commit_file README.md "# test" "readme"
push_ok origin main
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "hotfix"
push_rejected -o 'koder-audit.override=trust me' origin main
expect_contains "$ERR" "remote: koder-spec-audit: override ignored: pusher 'bob' is not listed in koder-audit.overrideUser"
[ ! -e "$CASE_DIR/overrides.log" ] || fail "an ignored override was logged"
git remote set-url origin "$(url alice)"
push_ok -o 'koder-audit.override=hotfix for INC-42' origin main
expect_contains "$ERR" "remote: engines/web/koder.toml:9:10: error[KSA005]"
expect_contains "$ERR" "remote: koder-spec-audit: OVERRIDE by 'alice': \"hotfix for INC-42\"; push accepted"
expect_server_ref refs/heads/main "$(rev)"
grep -q "	alice	refs/heads/main	hotfix for INC-42\$" "$CASE_DIR/overrides.log" \
    || fail "the override log lacks alice's override: $(cat -v "$CASE_DIR/overrides.log")"
end_case

begin_case "large and compressed requests: a chunked push and a gzip-compressed fetch"
new_server big.git
new_client client alice
commit_file README.md "# test" "readme"
push_ok origin main
# More than http.postBuffer's floor (64 KiB) of incompressible data: git streams the pack
# with chunked transfer encoding.
python3 -c 'import random, sys; r = random.Random(7); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(300000)))' >blob.bin
git add blob.bin
commit_file engines/web/koder.toml "$(manifest_bad_status koder-web)" "big and bad"
git config http.postBuffer 65536
push_rejected origin main
expect_contains "$ERR" "remote: refs/heads/main, commit $(short) \"big and bad\":"
expect_contains "$WEB_LOG" "transfer=chunked"
write_file engines/web/koder.toml "$(manifest_ok koder-web)"
git add -A
git commit -q --amend -m "big and good"
push_ok origin main
expect_contains "$ERR" "1 manifest checked in the push (1 new commit on 1 ref), no problems"
expect_server_ref refs/heads/main "$(rev)"
git config --unset http.postBuffer
# A fetch negotiating with many local commits sends a request body git compresses (git
# compresses buffered protocol-v0 requests over 1 KiB).
cd ..
expect_exit 0 git clone -q "$(url alice)" other
(cd other && commit_file docs/other.md "other" "other" && git push -q origin main 2>/dev/null) \
    || fail "the second client could not push"
cd client
# (Later dates than everything else: the negotiation walks newest first, so it offers these
# unknown commits before finding common ground.)
for i in $(seq 80); do
    write_file "docs/$i.md" "$i"
    git add "docs/$i.md"
    when=$(printf '2026-01-02T00:%02d:%02dZ' $((i / 60)) $((i % 60)))
    GIT_COMMITTER_DATE=$when GIT_AUTHOR_DATE=$when git commit -q -m "local $i"
done
expect_exit 0 git -c protocol.version=0 fetch origin
[ "$(git rev-parse origin/main)" = "$(git -C ../other rev-parse HEAD)" ] || fail "the fetch did not bring the new commit"
expect_contains "$WEB_LOG" "encoding=gzip"
end_case

stop_web_server
finish
