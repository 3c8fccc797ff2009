#!/usr/bin/env python3
"""Git objects and pushes built byte for byte, as an attacker would (test_push_attacks.sh).

    git_raw.py raw    MODE NAME ID [MODE NAME ID]...   a tree, entries in the order given
    git_raw.py sorted MODE NAME ID [MODE NAME ID]...   a tree, entries in git's order
    git_raw.py graft  BASE PATH MODE ID                BASE with PATH set to (MODE, ID)
    git_raw.py send-pack REPO OLD NEW REF OBJECT...    a push of exactly these objects

A tree entry is `<octal mode> <name>\\0<20 raw id bytes>` (git's format); MODE and NAME are
written exactly as given, so any mode, duplicate, unsorted order or name holding '/' can be
made. `graft` rewrites the folders above PATH (read raw, so odd entries elsewhere survive),
sorted, with mode 40000; a folder missing on the way is created. Trees are stored with
`git hash-object -t tree --literally -w` in the repository of the current folder, and the
new tree's id is printed. Names are taken from argv as bytes (surrogateescape).

`send-pack` speaks receive-pack's protocol itself (one command, then a pack that
`git pack-objects` builds from the listed objects without walking them), so that no check of
the pushing side (pack-objects refuses some malformed trees) stands in the way: whatever is
refused was refused by the receiving side. It prints receive-pack's report and exits 0 when
the ref was updated, 1 otherwise.
"""
import os
import subprocess
import sys


def fs(text):
    return os.fsencode(text)


def is_dir(mode):
    return int(mode, 8) & 0o170000 == 0o040000


def git_order(entry):
    mode, name, _ = entry
    # git compares a folder's name as if it ended with '/' (base_name_compare).
    return name + b"/" if is_dir(mode.decode()) else name


def write_tree(entries):
    data = b"".join(mode + b" " + name + b"\0" + bytes.fromhex(oid.decode()) for mode, name, oid in entries)
    result = subprocess.run(["git", "hash-object", "-t", "tree", "--literally", "-w", "--stdin"],
                            input=data, stdout=subprocess.PIPE, check=True)
    return result.stdout.decode().strip()


def read_tree(tree_id):
    """The entries of a stored tree, raw (mode bytes, name bytes, hex id bytes)."""
    if tree_id is None:
        return []
    data = subprocess.run(["git", "cat-file", "tree", tree_id], stdout=subprocess.PIPE, check=True).stdout
    entries = []
    while data:
        space = data.index(b" ")
        nul = data.index(b"\0", space)
        entries.append((data[:space], data[space + 1:nul], data[nul + 1:nul + 21].hex().encode()))
        data = data[nul + 21:]
    return entries


def triples(args):
    if len(args) % 3 != 0:
        sys.exit("git_raw.py: entries come as MODE NAME ID triples")
    return [(fs(args[i]), fs(args[i + 1]), fs(args[i + 2])) for i in range(0, len(args), 3)]


def graft(base, path, mode, oid):
    head, _, rest = path.partition(b"/")
    entries = read_tree(base)
    if rest:
        below = next((e[2].decode() for e in entries if e[1] == head and is_dir(e[0].decode())), None)
        mode, oid = b"40000", graft(below, rest, mode, oid).encode()
    entries = [e for e in entries if e[1] != head] + [(mode, head, oid)]
    return write_tree(sorted(entries, key=git_order))


def pkt_line(data):
    return b"%04x" % (len(data) + 4) + data


def send_pack(repo, old, new, ref, objects):
    pack = subprocess.run(["git", "pack-objects", "--stdout"], input=("\n".join(objects) + "\n").encode(),
                          stdout=subprocess.PIPE, check=True).stdout
    server = subprocess.Popen(["git", "receive-pack", repo], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    while True:  # the ref advertisement, up to its flush packet
        size = int(server.stdout.read(4), 16)
        if size == 0:
            break
        server.stdout.read(size - 4)
    command = ("%s %s %s" % (old, new, ref)).encode() + b"\0report-status\n"
    server.stdin.write(pkt_line(command) + b"0000" + pack)
    server.stdin.close()
    report = server.stdout.read()
    server.wait()
    sys.stdout.write(report.decode(errors="replace"))
    return 0 if b"ok " + ref.encode() in report else 1


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "raw":
        print(write_tree(triples(args)))
    elif command == "sorted":
        print(write_tree(sorted(triples(args), key=git_order)))
    elif command == "graft":
        base, path, mode, oid = args
        print(graft(base, fs(path), fs(mode), fs(oid)))
    elif command == "send-pack":
        sys.exit(send_pack(args[0], args[1], args[2], args[3], args[4:]))
    else:
        sys.exit("git_raw.py: unknown command " + command)


if __name__ == "__main__":
    main(sys.argv)
