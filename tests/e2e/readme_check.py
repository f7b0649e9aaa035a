#!/usr/bin/python3
"""tests/e2e/readme_check.py — rerun the README's printed examples and compare what they print.

Usage (from the project root, with Debian's Python):
    /usr/bin/python3 tests/e2e/readme_check.py README.md            # check: PASS:/FAIL: lines
    /usr/bin/python3 tests/e2e/readme_check.py --update README.md   # rewrite drifted blocks
Options: --dpsim PATH (default $BUILD/bin/dpsim, BUILD defaulting to build), --keep (keep the
work folder and print its path), --verbose (print each block's command and timing),
--self-test (check the matcher and the --update alignment on made-up blocks, no dpsim),
--sheet WORKBOOK SHEET (print a sheet as the README's export example shows it).

Which blocks are checked (the convention; README.md "Building and testing" says the same):

1. A fenced block whose first line starts with "$ " shows commands and their output. Each
   "$ COMMAND" line (continued on the next line when it ends with a backslash) is run; the
   lines up to the next "$ " line are what it must print.
2. A fenced block preceded by an HTML comment (blank lines in between are allowed)
       <!-- readme-check: SHELL SCRIPT -->
   (the comment may span several lines) is checked too. The script runs first. When the block
   has "$ " lines, the script is only set-up (e.g. writing a file the example needs) and its
   output is ignored; otherwise the block is what the script prints. Use it when the command is
   shown in the text or in another block, or when the run that makes a results file is not
   part of the example.
3. A fenced block preceded by <!-- readme-file: PATH --> must show the file PATH (relative to
   the project root) without its comment lines (lines whose first non-blank character is #).

Commands run with /bin/sh in one scratch folder that holds a symbolic link to every top-level
entry of the project (scenarios/, data/, build/, ...) except results/, which is a fresh empty
folder; so "results/x.h5" in a command goes to the scratch folder, and the README's relative
paths are printed as shown. `dpsim` is found on PATH as the project's build/bin/dpsim. Blocks
run in the order of the README and share the folder, but each should make the files it reads
(a later block must not rely on an earlier one). Standard output and standard error are
compared together, as a terminal shows them; the exit status is not checked.

Matching: trailing whitespace and leading/trailing blank lines are ignored. A line that is
"..." after stripping (any indentation) matches any run of lines, none included; every other
shown line must be printed exactly, in order, and consecutive shown lines must be consecutive
in the output. So a block that leaves lines out says so with "...".

Each checked block gives one "PASS: readme line N: COMMAND" or "FAIL: ..." line; a failure is
followed by a unified diff from the README's block to the block --update would write.

--update rewrites each failing block from the real output and keeps its abridgement: the shown
lines are aligned with the output (lines are paired by their leading word and their non-numeric
words, so "2025 ..." stays the 2025 row and its numbers are replaced), every "..." stays where
it was and still stands for what it skipped, shown lines that are no longer printed are
dropped, and printed lines that fall between two consecutive shown lines are added (replace
them by "..." by hand if they should not be shown). Prose around the blocks is not touched:
read the diff and fix figures quoted in the text.
"""
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

FENCE = re.compile(r"^(\s*)(```+|~~~+)(.*)$")
CHECK = re.compile(r"^\s*<!--\s*readme-(check|file):(.*)$")


class Block:
    """One checked fenced block of the README."""

    def __init__(self, kind, arg, start, end, indent, lines, comment_line):
        self.kind = kind            # "check" or "file"
        self.arg = arg              # script (check) or path (file); "" for a bare "$" block
        self.start = start          # index of the first content line in the README
        self.end = end              # index of the closing fence
        self.indent = indent        # the fence's indentation, stripped from content lines
        self.lines = lines          # content lines (indentation stripped, newline removed)
        self.comment_line = comment_line  # index of the readme-check comment, or None

    def label(self):
        if self.kind == "file":
            return "file " + self.arg
        cmds = [c for c, _ in split_commands(self.lines)[0]]
        text = " && ".join(cmds) if cmds else self.arg
        text = " ".join(text.split())
        return text if len(text) <= 100 else text[:97] + "..."


def parse(text):
    """Finds the checked blocks in the README's lines."""
    lines = text.split("\n")
    blocks = []
    pending = None          # (kind, arg, line index) of a readme-check/readme-file comment
    i = 0
    while i < len(lines):
        m = CHECK.match(lines[i])
        if m:
            kind, rest = m.group(1), m.group(2)
            start = i
            body = [rest]
            while "-->" not in body[-1]:
                i += 1
                if i >= len(lines):
                    raise SystemExit(f"readme_check: line {start + 1}: unterminated comment")
                body.append(lines[i])
            arg = "\n".join(body)
            arg = arg[: arg.index("-->")].strip()
            pending = (kind, arg, start)
            i += 1
            continue
        m = FENCE.match(lines[i])
        if m:
            indent, fence = m.group(1), m.group(2)
            j = i + 1
            while j < len(lines):
                n = FENCE.match(lines[j])
                if n and n.group(2).startswith(fence[0] * len(fence)) and not n.group(3).strip():
                    break
                j += 1
            content = [strip_indent(x, indent) for x in lines[i + 1 : j]]
            starts_with_prompt = bool(content) and content[0].startswith("$ ")
            if pending is not None:
                kind, arg, at = pending
                blocks.append(Block(kind, arg, i + 1, j, indent, content, at))
            elif starts_with_prompt:
                blocks.append(Block("check", "", i + 1, j, indent, content, None))
            pending = None
            i = j + 1
            continue
        if lines[i].strip() and pending is not None:
            raise SystemExit(f"readme_check: line {pending[2] + 1}: a readme-{pending[0]} "
                             "comment must be followed by a fenced block")
        i += 1
    return lines, blocks


def strip_indent(line, indent):
    return line[len(indent):] if line.startswith(indent) else line.lstrip()


def split_commands(lines):
    """Splits a block into ([(command, [expected lines])], leading lines before any "$")."""
    segments = []
    lead = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = [line[2:]]
            while cmd[-1].rstrip().endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd.append(lines[i])
            segments.append(("\n".join(cmd), []))
        elif segments:
            segments[-1][1].append(line)
        else:
            lead.append(line)
        i += 1
    return segments, lead


def trim(lines, rstrip=True):
    """Drops leading and trailing blank lines (and, with rstrip, trailing whitespace)."""
    lines = [x.rstrip() for x in lines] if rstrip else list(lines)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def is_wild(line):
    return line.strip() == "..."


def matches(shown, actual):
    """True when the shown lines (with "..." wildcards) match the actual lines exactly."""
    shown = [x.rstrip() for x in shown]
    n, m = len(shown), len(actual)
    ok = [[False] * (m + 1) for _ in range(n + 1)]
    ok[n][m] = True
    for i in range(n - 1, -1, -1):
        for j in range(m, -1, -1):
            if is_wild(shown[i]):
                ok[i][j] = ok[i + 1][j] or (j < m and ok[i][j + 1])
            else:
                ok[i][j] = j < m and shown[i] == actual[j] and ok[i + 1][j + 1]
    return ok[0][0]


NUMERIC = re.compile(r"\d")


def similarity(a, b):
    """How much actual line b looks like the same line as shown line a, 0 to 1."""
    a, b = a.rstrip(), b.rstrip()
    if a == b:
        return 1.0
    ta, tb = a.split(), b.split()
    if not ta or not tb:
        return 0.0
    first_a_num, first_b_num = bool(NUMERIC.search(ta[0])), bool(NUMERIC.search(tb[0]))
    if ta[0] != tb[0] and (first_a_num or first_b_num):
        return 0.0          # a year (or other numbered) row is never another row
    words_a = [t for t in ta if not NUMERIC.search(t)]
    words_b = [t for t in tb if not NUMERIC.search(t)]
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    if ta[0] == tb[0] and words_a == words_b:
        return 0.9 + 0.1 * ratio        # the same row with other numbers
    if ta[0] == tb[0]:
        return 0.4 + 0.4 * ratio
    return 0.5 * ratio


def realign(shown, actual):
    """The shown block rewritten from the actual lines, keeping its "..." structure."""
    n, m = len(shown), len(actual)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    move = [[None] * (m + 1) for _ in range(n + 1)]
    cost[n][m] = 0.0
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            best, how = inf, None
            wild = i < n and is_wild(shown[i])
            if j < m:       # actual line j absorbed by the wildcard, or added to the block
                c = (0.0 if wild else 1.0) + cost[i][j + 1]
                if c < best:
                    best, how = c, "absorb" if wild else "insert"
            if i < n:       # shown line i dropped (a wildcard ends here)
                c = (0.0 if wild else 1.0) + cost[i + 1][j]
                if c < best or (wild and c <= best):
                    best, how = c, "wild" if wild else "delete"
            if i < n and j < m and not wild:
                c = 2.0 * (1.0 - similarity(shown[i], actual[j])) + cost[i + 1][j + 1]
                if c <= best:
                    best, how = c, "keep"
            cost[i][j], move[i][j] = best, how
    out = []
    i = j = 0
    while (i, j) != (n, m):
        how = move[i][j]
        if how == "absorb":
            j += 1
        elif how == "insert":
            out.append(actual[j])
            j += 1
        elif how == "wild":
            out.append(shown[i].rstrip())
            i += 1
        elif how == "delete":
            i += 1
        else:
            out.append(shown[i] if shown[i].rstrip() == actual[j] else actual[j])
            i += 1
            j += 1
    return out


class Runner:
    def __init__(self, root, dpsim, keep, verbose):
        self.root = root
        self.verbose = verbose
        self.keep = keep
        self.work = tempfile.mkdtemp(prefix="readme-check.")
        for name in os.listdir(root):
            if name in ("results", ".git") or name.startswith("."):
                continue
            os.symlink(os.path.join(root, name), os.path.join(self.work, name))
        os.mkdir(os.path.join(self.work, "results"))
        bindir = os.path.join(self.work, ".bin")
        os.mkdir(bindir)
        os.symlink(os.path.abspath(dpsim), os.path.join(bindir, "dpsim"))
        self.made = {}              # output file -> the `dpsim run` command that made it
        self.env = dict(os.environ)
        self.env["PATH"] = bindir + os.pathsep + self.env.get("PATH", "/usr/bin:/bin")
        for var in ("DPSIM_DATA", "DPSIM_RESULTS", "DPSIM_MEMORY_LIMIT"):
            self.env.pop(var, None)

    def run_key(self, line):
        """(output file, normalised command) of a `dpsim run` line, else None."""
        try:
            words = shlex.split(line.replace("\\\n", " "))
        except ValueError:
            return None
        if words[:2] != ["dpsim", "run"] or any(w in ("|", ";", "&&", "||") for w in words):
            return None
        words = [w for w in words if w not in ("--quiet", ">/dev/null", "2>/dev/null")]
        out = None
        for k, w in enumerate(words):
            if w in ("-o", "--output") and k + 1 < len(words):
                out = words[k + 1]
        if out is None:             # the default: results/<first scenario's name>.h5
            first = next((w for w in words[2:] if w.endswith((".yaml", ".yml"))), None)
            try:
                with open(os.path.join(self.work, first), encoding="utf-8") as f:
                    m = re.search(r"^name:\s*([^\s#]+)", f.read(), re.M)
                out = os.path.join("results", m.group(1) + ".h5")
            except (OSError, TypeError, AttributeError):
                return None
        return os.path.normpath(out), tuple(words)

    def script(self, script, compared):
        """Runs a readme-check script and returns its output lines. A `dpsim run` line that made
        the same file with the same arguments earlier in this check is skipped when its output
        is not compared (set-up, --quiet or >/dev/null): the results are the same (same seed,
        same inputs), and rerunning would only double the time."""
        keep = []
        for line in logical_lines(script):
            key = self.run_key(line)
            silent = not compared or "--quiet" in line.split() or ">/dev/null" in line
            if key and silent and self.made.get(key[0]) == key[1] and os.path.exists(
                    os.path.join(self.work, key[0])):
                if self.verbose:
                    print(f"  [skipped: made above] {line}")
                continue
            keep.append(line)
        return self.run("\n".join(keep)) if keep else []

    def run(self, script):
        t = time.monotonic()
        p = subprocess.run(["/bin/sh", "-c", script], cwd=self.work, env=self.env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=600)
        if self.verbose:
            print(f"  [{time.monotonic() - t:.1f} s, exit {p.returncode}] {script}")
        for line in logical_lines(script):
            key = self.run_key(line)
            if key:
                if p.returncode == 0:
                    self.made[key[0]] = key[1]
                else:
                    self.made.pop(key[0], None)
        return p.stdout.decode("utf-8", errors="replace").split("\n")

    def close(self):
        if self.keep:
            print("work folder:", self.work)
        else:
            shutil.rmtree(self.work, ignore_errors=True)


def logical_lines(script):
    """A script's lines, with backslash-continued lines joined."""
    out, cur = [], ""
    for line in script.split("\n"):
        if line.rstrip().endswith("\\"):
            cur += line.rstrip()[:-1] + " "
            continue
        cur += line
        if cur.strip():
            out.append(cur.strip())
        cur = ""
    if cur.strip():
        out.append(cur.strip())
    return out


def file_lines(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return [x.rstrip() for x in f.read().split("\n") if not x.lstrip().startswith("#")]


def check_block(block, runner, root):
    """Returns (passed, new content lines)."""
    if block.kind == "file":
        actual = trim(file_lines(root, block.arg))
        shown = trim(block.lines, rstrip=False)
        if matches(shown, actual):
            return True, block.lines
        return False, realign(shown, actual)
    segments, lead = split_commands(block.lines)
    if segments:
        if block.arg:
            runner.script(block.arg, compared=False)
        new = list(lead)
        ok = True
        for cmd, expected in segments:
            actual = trim(runner.run(cmd))
            shown = trim(expected, rstrip=False)
            new += ["$ " + cmd.split("\n")[0]] + cmd.split("\n")[1:]
            if matches(shown, actual):
                new += expected
            else:
                ok = False
                new += realign(shown, actual)
        return ok, new
    actual = trim(runner.script(block.arg, compared=True))
    shown = trim(block.lines, rstrip=False)
    if matches(shown, actual):
        return True, block.lines
    return False, realign(shown, actual)


def print_sheet(path, sheet):
    """Prints a sheet of an Excel workbook as the README shows it: cells joined by " | " and
    padded to the column's widest cell (Chinese characters count two), numbers with one
    decimal, whole numbers (years) as they are, empty cells empty."""
    import unicodedata
    import openpyxl
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]

    def text(v):
        if v is None:
            return ""
        if isinstance(v, float):
            return f"{v:.1f}"
        return str(v)

    def width(t):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in t)

    rows = [[text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    ncol = max(len(r) for r in rows)
    rows = [r + [""] * (ncol - len(r)) for r in rows]
    widths = [max(width(r[c]) for r in rows) for c in range(ncol)]
    for r in rows:
        print(" | ".join(t + " " * (widths[c] - width(t)) for c, t in enumerate(r)).rstrip())
    return 0


def self_test():
    """Checks the matcher and --update's alignment on made-up blocks; PASS:/FAIL: lines."""
    out = ["head", " 2021  1,000  10.0", " 2022  1,100  11.0", " 2023  1,200  12.0",
           " 2024  1,300  13.0", "foot"]
    cases = [
        ("match_exact", matches(out, out)),
        ("match_trailing_space", matches([x + "  " for x in out], out)),
        ("match_wild_many", matches(["head", "...", "foot"], out)),
        ("match_wild_none", matches(["head", " 2021  1,000  10.0", "  ...", " 2022  1,100  11.0",
                                     "..."], out)),
        ("match_wild_only", matches(["..."], out)),
        ("no_match_gap_without_wild", not matches(["head", " 2022  1,100  11.0", "..."], out)),
        ("no_match_extra_last_line", not matches(out, out + ["more"])),
        ("no_match_changed_number", not matches(["head", " 2021  1,000  10.1", "..."], out)),
        ("no_match_order", not matches(["foot", "...", "head"], out)),
    ]
    new = [x.replace("1,", "2,") for x in out]
    shown = ["head", " 2021  1,000  10.0", "...", " 2024  1,300  13.0", "foot"]
    cases += [
        ("update_keeps_rows_new_numbers",
         realign(shown, new) == ["head", " 2021  2,000  10.0", "...", " 2024  2,300  13.0",
                                 "foot"]),
        ("update_keeps_a_matching_block", realign(shown, out) == shown),
        ("update_drops_a_row_gone",
         realign(["head", " 2021  1,000  10.0", " 2099  9,999  99.0", " 2022  1,100  11.0", "..."],
                 out) == ["head", " 2021  1,000  10.0", " 2022  1,100  11.0", "..."]),
        ("update_adds_a_row_between_shown_rows",
         realign(["head", " 2021  1,000  10.0", " 2023  1,200  12.0", "..."], out)
         == ["head", " 2021  1,000  10.0", " 2022  1,100  11.0", " 2023  1,200  12.0", "..."]),
        ("update_wild_hides_new_rows",
         realign(["head", "...", "foot"], out[:3] + [" 2030  5  5"] + out[3:])
         == ["head", "...", "foot"]),
        ("update_changed_text_line",
         realign(["head", "...", "footnote: old words"], ["head", "x", "footnote: new words"])
         == ["head", "...", "footnote: new words"]),
    ]
    for name, ok in cases:
        print(("PASS: " if ok else "FAIL: ") + "readme_check_self_test " + name)
    return 0 if all(ok for _, ok in cases) else 1


def main(argv):
    update = keep = verbose = False
    dpsim = os.path.join(os.environ.get("BUILD", "build"), "bin", "dpsim")
    args = []
    it = iter(argv)
    for a in it:
        if a == "--update":
            update = True
        elif a == "--keep":
            keep = True
        elif a == "--verbose":
            verbose = True
        elif a == "--sheet":       # used by the README's export example
            path = next(it)
            return print_sheet(path, next(it))
        elif a == "--self-test":
            return self_test()
        elif a == "--dpsim":
            dpsim = next(it)
        elif a.startswith("-"):
            print(__doc__)
            return 2
        else:
            args.append(a)
    if len(args) != 1:
        print(__doc__)
        return 2
    readme = args[0]
    root = os.path.dirname(os.path.abspath(readme))
    if not os.access(dpsim, os.X_OK):
        print(f"FAIL: readme {dpsim} is not built")
        return 1
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    lines, blocks = parse(text)
    if not blocks:
        print(f"FAIL: readme no checked block in {readme}")
        return 1
    runner = Runner(root, dpsim, keep, verbose)
    failed = 0
    replacements = []
    t0 = time.monotonic()
    try:
        for b in blocks:
            name = f"readme line {b.start}: {b.label()}"
            passed, new = check_block(b, runner, root)
            if passed:
                print("PASS:", name)
                continue
            failed += 1
            if update:
                print("UPDATED:", name)
            else:
                print("FAIL:", name)
            diff = difflib.unified_diff([x.rstrip() for x in b.lines], new, "README", "output",
                                        lineterm="", n=2)
            for d in list(diff)[2:]:
                print("    " + d)
            replacements.append((b, new))
    finally:
        runner.close()
    print(f"readme: {len(blocks)} blocks, {failed} differ, {time.monotonic() - t0:.0f} s")
    if update and replacements:
        for b, new in sorted(replacements, key=lambda r: -r[0].start):
            lines[b.start : b.end] = [(b.indent + x) if x else x for x in new]
        with open(readme, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        print(f"readme: rewrote {len(replacements)} blocks of {readme}; rerun to check")
        return 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
