#!/usr/bin/env bash
# self-hosted --history --format markdown and --format svg on a real history with cases, a
# regression and hostile names; the progress line of long runs on a terminal (script(1) gives
# the command a pseudo-terminal) and its absence through a pipe, into a file and with --quiet.
. "$(dirname "$0")/lib.sh"

commit() { dated_commit "$1"; }

# kodec VERSION STATUS PASSED PENDING: engines/kodec/koder.toml with cases mp3 and mp4.
kodec() {
    mkdir -p engines/kodec
    printf 'category = "engine"\n[package]\nname = "kodec"\nversion = "%s"\n[self_hosted]\nreplaces = ["ffmpeg"]\nstatus = "%s"\ncases = ["mp3", "mp4"]\ngates_passed = [%s]\ngates_pending = [%s]\n' \
        "$1" "$2" "$3" "$4" >engines/kodec/koder.toml
}

# The example of docs/history.md, and a component whose name and version are hostile.
HOSTILE_NAME='a<b>&"x'\''|*_[l](u)'
example_repo() {
    DAY=0
    new_repo repo && cd repo
    kodec 1.0.0 experimental '"feature_parity"' '"performance:mp4", "feature_parity:hevc"' && commit a
    kodec 1.1.0 experimental '"feature_parity"' '"performance:mp4", "feature_parity:hevc"' && commit b
    kodec 1.2.0 stable '"feature_parity", "performance:mp4"' '"feature_parity:hevc"' && commit c
    kodec 1.3.0 stable '"feature_parity", "performance:mp4"' '"feature_parity:hevc"' && commit d
    kodec 1.4.0 stable '"feature_parity", "performance:mp4"' '"feature_parity:hevc"' && commit e
    kodec 1.4.0 stable '"feature_parity"' '"feature_parity:hevc", "performance:mp4"' && commit f
    kodec 1.5.0 stable '"feature_parity", "performance:mp4", "stability"' '"feature_parity:hevc"' && commit g
    git tag kodec-v1.5.0
    mkdir -p services/evil
    printf 'category = "engine"\n[package]\nname = "a<b>&\\"x'\''|*_[l](u)"\nversion = "0.1.0"\n[self_hosted]\nreplaces = ["nginx"]\nstatus = "stable"\ngates_passed = ["feature_parity"]\ngates_pending = ["stability"]\n' \
        >services/evil/koder.toml
    commit h
    sed -i 's/0.1.0/0.2<\/text><script>alert(1)<\/script>/' services/evil/koder.toml
    commit i
}

begin_case "markdown: one row per component and case, the disagreement, the window; values escaped"
example_repo
expect_exit 0 koder-spec-audit self-hosted --history --format markdown
expect_empty "$ERR"
c_left=$(git rev-parse --short=10 HEAD~6)
c_regress=$(git rev-parse --short=10 HEAD~3)
expect_contains "$OUT" "### G3 stability from the first-parent history of \`$(short)\`"
expect_contains "$OUT" "2 components, 4 cases: **1 passes G3**, 2 need more releases, 1 experimental; **the declared stability gate disagrees in 1 case**."
expect_contains "$OUT" "History covered: 9 commits, from 2026-01-01 \`$(short HEAD~8)\` to 2026-01-09 \`$(short)\`."
expect_contains "$OUT" "| **kodec** | \`mp3\` | stable | 2026-01-03 \`$c_left\` (\`1.2.0\`) | 3: \`1.3.0\`, \`1.4.0\`, \`1.5.0\` | — | **passes G3** |"
expect_contains "$OUT" "| **kodec** | \`mp4\` | stable | 2026-01-03 \`$c_left\` (\`1.2.0\`) | 1: \`1.5.0\` | 2026-01-06 \`$c_regress\`: performance left gates\\_passed | needs 2 more releases |"
expect_contains "$OUT" "| **kodec** | \`hevc\` | experimental | — | — | — | experimental |"
expect_contains "$OUT" "- **kodec** (\`mp4\`), \`engines/kodec/koder.toml\`: stability is in gates\\_passed but not earned"
# The hostile name is escaped as the registry escapes it: no tag, no link, no extra cell.
expect_contains "$OUT" "| **a&lt;b&gt;&amp;\"x'\\|\\*\\_\\[l\\](u)** | (every case) |"
expect_not_contains "$OUT" "[l](u)"
# What can be a code span is one, as in the registry: shown as written, never as HTML.
expect_contains "$OUT" "| 1: \`0.2</text><script>alert(1)</script>\` |"
python3 - "$OUT" <<'EOF' || fail "the Markdown table is not 7 columns wide on every row"
import re, sys
rows = [l for l in open(sys.argv[1], encoding="utf-8") if l.startswith("|")]
assert len(rows) == 6, rows  # header, delimiter, three kodec cases, the hostile component
for row in rows:
    cells = re.split(r"(?<!\\)\|", row.rstrip("\n"))
    assert len(cells) == 9, (len(cells), row)  # 7 cells between 8 bars
EOF
# A window is said to be one.
expect_exit 0 koder-spec-audit self-hosted --history --format markdown --since 2026-01-04 --until 2026-01-07
expect_contains "$OUT" "History covered: the --since/--until window, 4 commits of 9, from 2026-01-04 \`$(short HEAD~5)\` to 2026-01-07 \`$(short HEAD~2)\`."
expect_contains "$OUT" ", before the window |"
end_case

begin_case "svg: one well-formed, self-contained timeline; a lane per component and case; values XML-escaped"
example_repo
expect_exit 0 koder-spec-audit self-hosted --history --format svg
expect_empty "$ERR"
python3 - "$OUT" "$HOSTILE_NAME" <<'EOF' || fail "the SVG is not what it should be (above)"
import sys
import xml.etree.ElementTree as ET
path, hostile = sys.argv[1], sys.argv[2]
root = ET.parse(path).getroot()  # well-formed, or this raises
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg", root.tag
assert float(root.get("width")) >= 800 and root.get("viewBox"), root.attrib
for element in root.iter():
    assert element.tag.startswith(ns), element.tag                      # nothing foreign
    assert element.tag[len(ns):] not in ("script", "image", "foreignObject", "style", "a", "use"), element.tag
    for name, value in element.attrib.items():
        assert "href" not in name and not name.startswith("on"), (name, value)
        assert "url(" not in value, (name, value)
texts = [t.text or "" for t in root.iter(ns + "text")]
# The lanes: kodec's mp3, mp4 and hevc, and the hostile component's.
for verdict, count in (("passes G3", 1), ("needs 2 more releases", 2), ("experimental", 2),
                       ("needs 3 more releases", 0), ("declared: not earned", 1)):
    got = texts.count(verdict)
    assert got == count, (verdict, got, count)
assert texts.count("kodec") == 3, texts
assert texts.count(hostile) == 1, (hostile, texts)                  # escaped, so it reads back exact
assert "0.2</text><script>alert(1)</script>" in "".join(t.text or "" for t in root.iter(ns + "title")), "no version"
for version in ("1.1.0", "1.2.0", "1.3.0", "1.4.0", "1.5.0"):
    assert texts.count(version) == 3, (version, texts.count(version))  # a tick label on each kodec lane
titles = [t.text or "" for t in root.iter(ns + "title")]
assert sum(t.startswith("regression, 2026-01-06") for t in titles) == 1, titles
EOF
expect_not_contains "$OUT" "<script"
end_case

begin_case "progress: on a terminal, drawn and erased; absent through a pipe, into a file and with --quiet"
example_repo
script -qec "koder-spec-audit self-hosted --history --no-cache" /dev/null >tty.out </dev/null \
    || fail "the run under a pseudo-terminal failed"
expect_contains tty.out "Reading commits: 0 commits"
expect_contains tty.out "Comparing trees: 0/9 commits (0%)"
expect_contains tty.out "G3 stability from the first-parent history of"
python3 - tty.out <<'EOF' || fail "the progress line is not erased before the report"
import sys
text = open(sys.argv[1], encoding="utf-8", errors="replace", newline="").read()
before, report = text.split("G3 stability from", 1)
assert "Comparing trees" in before
# The last thing before the report is the erasure: a carriage return, spaces over the line, a
# carriage return.
tail = before[before.rindex("Comparing trees"):]
erase = tail[tail.index("\r"):] if "\r" in tail else ""
assert erase.startswith("\r") and erase.endswith("\r") and erase.strip(" \r") == "", repr(tail[-120:])
assert "Comparing trees" not in report and "Reading commits" not in report
EOF
# stderr not a terminal: nothing, whatever stdout is.
koder-spec-audit self-hosted --history --no-cache 2>&1 | cat >piped.out
expect_not_contains piped.out "Comparing trees"
expect_not_contains piped.out "Reading commits"
expect_contains piped.out "G3 stability from"
script -qec "koder-spec-audit self-hosted --history --no-cache 2>stderr.txt" /dev/null >tty2.out </dev/null
expect_empty stderr.txt
expect_not_contains tty2.out "Comparing trees"
expect_contains tty2.out "G3 stability from"
script -qec "koder-spec-audit self-hosted --history --no-cache --quiet" /dev/null >quiet.out </dev/null
expect_not_contains quiet.out "Comparing trees"
expect_not_contains quiet.out "Reading commits"
expect_contains quiet.out "G3 stability from"
script -qec "koder-spec-audit self-hosted --history --no-cache -q --format json" /dev/null >quiet.json </dev/null
expect_not_contains quiet.json "Comparing trees"
# --report over a tree shows its reading too, and --quiet silences it.
script -qec "koder-spec-audit self-hosted --report --output -" /dev/null >report.out </dev/null
expect_contains report.out "Reading manifests: 0/2 manifests (0%)"
expect_contains report.out "auto-generated by koder-spec-audit"
script -qec "koder-spec-audit self-hosted --report --output - --quiet" /dev/null >report-quiet.out </dev/null
expect_not_contains report-quiet.out "Reading manifests"
koder-spec-audit self-hosted --report --output - 2>&1 | cat >report-piped.out
expect_not_contains report-piped.out "Reading manifests"
end_case

finish
