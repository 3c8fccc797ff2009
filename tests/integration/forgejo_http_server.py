#!/usr/bin/env python3
"""Forgejo's smart HTTP for git, in small, for test_forgejo_http.sh.

Usage: forgejo_http_server.py BASE PORT_FILE LOG_FILE PARENT_PID

Serves http://127.0.0.1:PORT/CASE/OWNER/NAME.git from the Forgejo site BASE/CASE/site (laid
out by forgejo_lib.sh: [repository] ROOT is data/forgejo-repositories, [git] HOME_PATH data/home).

Does what Forgejo's routers/web/repo/githttp.go does with a push or a fetch: runs
`git receive-pack|upload-pack --stateless-rpc [--advertise-refs]` in ROOT/OWNER/NAME.git itself
(no http-backend), with Forgejo's environment: its own process environment, then the GITEA_*
variables of the authenticated user, SSH_ORIGINAL_COMMAND=<service> and GIT_PROTOCOL, then
modules/git/command.go's CommonGitCmdEnvs (HOME = [git] HOME_PATH, GIT_NO_REPLACE_OBJECTS=1,
LC_ALL=C, GIT_TERMINAL_PROMPT=0). Pushes need HTTP basic authentication, any password; the user
becomes GITEA_PUSHER_NAME. Listens on 127.0.0.1 only, on a free port written to PORT_FILE;
exits with its parent, or after ten minutes at most.
"""
import base64
import gzip
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BASE, PORT_FILE, LOG_FILE, PARENT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
SERVICES = ("git-receive-pack", "git-upload-pack")
log_lock = threading.Lock()


def log(line):
    with log_lock, open(LOG_FILE, "a", encoding="utf-8", errors="backslashreplace") as out:
        out.write(line.rstrip("\n") + "\n")


def pkt_line(text):
    data = text.encode()
    return b"%04x" % (len(data) + 4) + data


class ForgejoGitHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        log("access: " + (format % args))

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            body = b"".join(parts)
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body

    def reply(self, status, content_type, payload, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def user(self):
        authorization = self.headers.get("Authorization", "")
        if not authorization.startswith("Basic "):
            return None
        return base64.b64decode(authorization[6:]).decode("utf-8", "replace").split(":", 1)[0]

    def serve(self):
        url = urlsplit(self.path)
        match = re.fullmatch(r"/([^/]+)/([^/]+)/([^/]+?)(?:\.git)?/(info/refs|git-upload-pack|git-receive-pack)", url.path)
        if not match:
            self.reply(404, "text/plain", b"not found\n")
            return
        case, owner, name, action = match.groups()
        site = os.path.join(BASE, case, "site", "data")
        service = parse_qs(url.query).get("service", [""])[0] if action == "info/refs" else action
        if service not in SERVICES:
            self.reply(403, "text/plain", b"service not allowed\n")
            return
        body = self.read_body() if self.command == "POST" else b""
        user = self.user()
        if service == "git-receive-pack" and user is None:
            self.reply(401, "text/plain", b"authentication required\n", [("WWW-Authenticate", 'Basic realm="Forgejo"')])
            return
        directory = os.path.join(site, "forgejo-repositories", owner, name + ".git")
        env = {k: v for k, v in os.environ.items() if k != "GIT_CONFIG_GLOBAL"}
        if user is not None:
            env.update({
                "GITEA_REPO_USER_NAME": owner, "GITEA_REPO_NAME": name, "GITEA_PUSHER_NAME": user,
                "GITEA_PUSHER_ID": "7", "GITEA_ROOT_URL": "https://flow.example.invalid/",
                "GITEA_PUSHER_EMAIL": user + "@example.invalid", "GITEA_REPO_IS_WIKI": "false",
            })
        env["GITEA_REPO_ID"] = "3"
        env["SSH_ORIGINAL_COMMAND"] = service
        if self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        env.update({"HOME": os.path.join(site, "home"), "GIT_NO_REPLACE_OBJECTS": "1", "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"})
        command = ["git", "-c", "credential.helper=", service[4:], "--stateless-rpc"]
        if action == "info/refs":
            command.append("--advertise-refs")
        command.append(".")
        log("request: %s %s user=%s" % (self.command, self.path, user))
        result = subprocess.run(command, input=body, env=env, cwd=directory,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if result.stderr:
            log("git stderr: " + result.stderr.decode("utf-8", "backslashreplace"))
        if action == "info/refs":
            payload = pkt_line("# service=%s\n" % service) + b"0000" + result.stdout
            self.reply(200, "application/x-%s-advertisement" % service, payload, [("Cache-Control", "no-cache")])
        else:
            self.reply(200, "application/x-%s-result" % service, result.stdout)

    do_GET = serve
    do_POST = serve


def watch_parent(server):
    started = time.monotonic()
    while time.monotonic() - started < 600:
        try:
            os.kill(PARENT, 0)
        except OSError:
            break
        time.sleep(0.5)
    server.shutdown()


server = ThreadingHTTPServer(("127.0.0.1", 0), ForgejoGitHandler)
server.daemon_threads = True
threading.Thread(target=watch_parent, args=(server,), daemon=True).start()
with open(PORT_FILE + ".tmp", "w") as out:
    out.write("%d\n" % server.server_address[1])
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
