"""The splitter against the real clients: a file's statements as psql / the mariadb client send them to a
server (statement_recorder.py) and as `split-bench --statements` splits them must be the same.

Compared after `normalized`, which removes only what the server ignores and the two sides treat
differently on purpose (DELIBERATE says why). A file the splitter refuses (a psql meta-command, COPY
FROM stdin: the Data API runs SQL, not psql) counts as refused when the refusal names a line where the
file has what it names; anything else is a difference."""
import json
import pathlib
import re
import subprocess

# (dialect, what the client does, what the splitter does, why)
DELIBERATE = [
    ("postgres", "sends the `;`", "leaves it out", "the Data API takes a statement without its terminator"),
    ("postgres", "sends a /* block comment */ that comes before a statement as part of it",
     "starts the statement at its first token", "a comment-only remainder would otherwise become a statement of its own"),
    ("postgres", "keeps whitespace before the `;` and drops empty lines outside quotes (psql's MainLoop skips them)",
     "keeps the file's lines and trims the ends", "whitespace the server ignores; the file's text stays as written"),
    ("mysql", "drops comments (--skip-comments, its default) and turns `use db` into COM_INIT_DB",
     "keeps comments and sends `use db` as SQL", "the server ignores comments; USE is SQL too, and the Data API has no COM_INIT_DB"),
    ("postgres", "substitutes its own variables (:'LAST_ERROR_MESSAGE', :DBNAME …)", "sends the text as written",
     "the Data API has no psql variables; such a file is reported as \"psql variable\""),
    ("postgres", "runs backslash meta-commands (\\gset, \\;, \\set …) itself", "refuses the file naming the command and line",
     "the Data API runs SQL, not psql"),
]

# psql's own variables, which it substitutes in :NAME, :'NAME' and :"NAME" ("psql", "Variables").
PSQL_VARIABLE = re.compile(r":['\"]?(?:AUTOCOMMIT|DBNAME|ENCODING|ERROR|HOST|LAST_ERROR_MESSAGE|LAST_ERROR_SQLSTATE|PORT|"
                           r"ROW_COUNT|SERVER_VERSION_NAME|SERVER_VERSION_NUM|SQLSTATE|USER|VERSION|VERSION_NAME|VERSION_NUM)\b")


def without_leading_comments(text):
    """`text` from its first token: whitespace, `--` lines and (nested) block comments before it removed."""
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if text.startswith("--", index):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end + 1
        elif text.startswith("/*", index):
            depth, index = 1, index + 2
            while index < len(text) and depth:
                if text.startswith("/*", index):
                    depth, index = depth + 1, index + 2
                elif text.startswith("*/", index):
                    depth, index = depth - 1, index + 2
                else:
                    index += 1
        else:
            return text[index:]


def normalized(statement, dialect):
    if dialect == "postgres":
        statement = statement[:-1] if statement.endswith(";") else statement
        statement = without_leading_comments(statement)
        return re.sub(r"\n\s*\n", "\n", statement.strip())
    use = re.fullmatch(r"(?is)use\s+`?([^`\s;]+)`?\s*;?", statement.strip())
    return f"use {use.group(1)}" if use else without_mysql_comments(statement)


def without_mysql_comments(text):
    """MySQL text without its `#`, `-- ` and /* */ comments (executable /*! */ and /*+ */ ones stay),
    whitespace runs outside quotes as one space: what the mariadb client's default --skip-comments sends,
    up to spacing."""
    out, index, length = [], 0, len(text)
    while index < length:
        char = text[index]
        if char in "'\"`":
            end = index + 1
            while end < length and text[end] != char:
                end += 2 if text[end] == "\\" and char != "`" else 1
            out.append(text[index:end + 1])
            index = end + 1
        elif char == "#" or (text.startswith("--", index) and (index + 2 >= length or text[index + 2] <= " ")):
            end = text.find("\n", index)
            index = length if end < 0 else end
        elif text.startswith("/*", index) and not text.startswith(("/*!", "/*+"), index):
            end = text.find("*/", index + 2)
            index = length if end < 0 else end + 2
        elif char.isspace():
            out.append(" ")
            while index < length and text[index].isspace():
                index += 1
        else:
            out.append(char)
            index += 1
    return re.sub(r" +", " ", "".join(out)).strip()


COPY_FROM_STDIN = re.compile(r"^\s*copy\b[^;]*\bfrom\s+stdin\b", re.IGNORECASE)


def without_psql_lines(text):
    """A corpus file with its whole-line psql meta-commands and COPY … FROM stdin blocks (through their
    `\\.`) removed, so that psql and the splitter both get plain SQL; a meta-command in the middle of a
    line stays (the splitter then refuses the file, as it should)."""
    kept, in_copy = [], False
    for line in text.split("\n"):
        if in_copy:
            in_copy = line != "\\."
            continue
        if COPY_FROM_STDIN.match(line):
            in_copy = True
            continue
        if not line.lstrip().startswith("\\"):
            kept.append(line)
    return "\n".join(kept)


def splitter_statements(split_bench, dialect, path):
    """(statements, refusal or None) of our splitter."""
    out = subprocess.run([str(split_bench), "--statements", dialect, str(path)], capture_output=True, text=True, check=True).stdout
    lines = [json.loads(line) for line in out.splitlines() if line]
    if lines and "error" in lines[-1]:
        return [], lines[-1]["error"]
    return [line["text"] for line in lines], None


def compare(path, dialect, recorder, split_bench, client=None):
    """("same" | "refused" | "different", detail) for `path`."""
    ours, refusal = splitter_statements(split_bench, dialect, path)
    theirs = recorder.record(path, client) if dialect == "postgres" else recorder.record(path)
    if refusal:
        found = re.search(r":(\d+): (\\\S+|COPY)", refusal)
        lines = pathlib.Path(path).read_text(errors="replace").split("\n")
        if found and int(found.group(1)) <= len(lines) and found.group(2).rstrip(";").lower() in lines[int(found.group(1)) - 1].lower():
            return "refused", refusal
        return "different", {"file": str(path), "refused": refusal}
    theirs = [t for t in (normalized(s, dialect) for s in theirs) if t]
    ours = [normalized(s, dialect) for s in ours]
    for index, (a, b) in enumerate(zip(theirs, ours)):
        if a != b:
            verdict = "psql variable" if dialect == "postgres" and PSQL_VARIABLE.search(b) else "different"
            return verdict, {"file": str(path), "index": index, "client": a[:400], "splitter": b[:400]}
    if len(theirs) != len(ours):
        return "different", {"file": str(path), "client count": len(theirs), "splitter count": len(ours),
                             "client extra": theirs[len(ours):][:2], "splitter extra": ours[len(theirs):][:2]}
    return "same", len(ours)
