"""What each benchmark returns, and how it becomes Markdown.

A section is tables (the measurements), goals (each checked, ✅ or ❌) and
notes (what a reader needs to judge the numbers). Sections never format
Markdown themselves, so the report reads the same from top to bottom.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    caption: str = ""

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])


@dataclass(frozen=True)
class Goal:
    text: str
    measured: str
    met: bool


@dataclass
class Section:
    title: str
    intro: str
    tables: list[Table] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: str = ""  # preformatted text shown in a fold (e.g. -X importtime tops)

    def goal(self, text: str, measured: str, met: bool) -> None:
        self.goals.append(Goal(text, measured, met))


def markdown_table(table: Table) -> str:
    lines = []
    if table.caption:
        lines += [table.caption, ""]
    lines.append("| " + " | ".join(table.headers) + " |")
    lines.append("|" + "|".join("---" for _ in table.headers) + "|")
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table.rows
    ]
    return "\n".join(lines)


def render_section(number: int, section: Section) -> str:
    parts = [f"## {number}. {section.title}", "", section.intro, ""]
    for table in section.tables:
        parts += [markdown_table(table), ""]
    if section.goals:
        goals = Table(["Goal", "Measured", ""])
        for goal in section.goals:
            goals.add(goal.text, goal.measured, "✅" if goal.met else "❌")
        parts += [markdown_table(goals), ""]
    if section.details:
        parts += [
            "<details><summary>Details</summary>",
            "",
            "```",
            section.details,
            "```",
            "",
            "</details>",
            "",
        ]
    for note in section.notes:
        parts += [f"- {note}"]
    if section.notes:
        parts.append("")
    return "\n".join(parts)


def render_report(header: str, sections: list[tuple[int, Section]]) -> str:
    """The whole report; sections keep their numbers (issue 6's) when some are left out."""
    summary = Table(["Section", "Goals met"])
    for number, section in sections:
        met = sum(g.met for g in section.goals)
        shown = f"{met}/{len(section.goals)}" if section.goals else "—"
        summary.add(f"{number}. {section.title}", shown)
    body = [render_section(n, s) for n, s in sections]
    return "\n".join([header, markdown_table(summary), "", *body]).rstrip() + "\n"
