"""A coverage report: each documented answer, seen or not, the share seen, and the ways it is
shown (one line, a table of what was never seen, JSON with a schema)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from verifik_mock.answer_coverage.documented import EVENT_INFIX, Answer, AnswerKey

GROUP_TITLES = {
    "operation": "Answers never seen, by operation",
    "webhook": "Webhook events never delivered, by flow type",
    "resilience": "Faults never met (resilience: X-Mock-Fault or inject_fault, on any /v2 call)",
}

WIDTH = 100


class SeenAnswer(Answer):
    """A documented answer, and whether the suite was given it."""

    seen: bool


class CoverageReport(BaseModel):
    """Which of the contract's documented answers a suite exercised."""

    model_config = ConfigDict(extra="forbid")

    wire: str = Field(description="The wire profile whose contract documents the answers.")
    documented: int = Field(description="How many answers the contract documents.")
    exercised: int = Field(description="How many of them the suite was given.")
    percent: float = Field(ge=0, le=100, description="exercised / documented, in percent.")
    tenants: int = Field(description="How many tenants (tests) the answers were read from.")
    answers: list[SeenAnswer]


def coverage_report(
    documented: Iterable[Answer], seen: set[AnswerKey], wire: str, tenants: int
) -> CoverageReport:
    """Hold the documented answers to the ones seen."""
    answers = [SeenAnswer(**answer.model_dump(), seen=answer.key in seen) for answer in documented]
    exercised = sum(answer.seen for answer in answers)
    return CoverageReport(
        wire=wire,
        documented=len(answers),
        exercised=exercised,
        percent=round(100 * exercised / len(answers), 2) if answers else 100.0,
        tenants=tenants,
        answers=answers,
    )


def headline(report: CoverageReport) -> str:
    """``verifik: your suite exercised 14 of 41 documented answers (34%)``; the share is
    rounded down, so 100% means every one."""
    share = math.floor(report.percent)
    return (
        f"verifik: your suite exercised {report.exercised} of {report.documented} "
        f"documented answers ({share}%)"
    )


def _label(answer: SeenAnswer) -> str:
    if answer.group == "webhook":
        return answer.name.partition(EVENT_INFIX)[2]
    status = "no answer" if answer.status is None else str(answer.status)
    return " ".join(part for part in (status, answer.code) if part)


def _wrapped(head: str, labels: list[str]) -> list[str]:
    """``head`` and the labels, comma-separated, in lines of at most ``WIDTH`` characters
    (a label is never split: ``409 LIVENESS_FAILED`` stays on one line)."""
    lines = [head]
    for label in labels:
        if len(lines[-1]) + len(label) + 2 > WIDTH:
            lines[-1] += ","
            lines.append("     ")
        elif lines[-1] != head:
            lines[-1] += ","
        lines[-1] += f" {label}"
    return lines


def never_seen_table(report: CoverageReport) -> str:
    """The answers never seen: by operation, then webhook events by flow type, then faults."""
    lines: list[str] = []
    unseen = [answer for answer in report.answers if not answer.seen]
    for group, title in GROUP_TITLES.items():
        of_group = [answer for answer in unseen if answer.group == group]
        if not of_group:
            continue
        lines.append(f"{title}:")
        if group == "resilience":
            lines.extend(f"  {a.name:<10} {_label(a)}" for a in of_group)
            continue
        by = (lambda a: a.flowType or "") if group == "webhook" else (lambda a: a.name)
        for name, answers in groupby(of_group, key=by):
            lines.extend(_wrapped(f"  {name}:", [_label(answer) for answer in answers]))
    return "\n".join(lines) if lines else "Every documented answer was seen."


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``--verifik-coverage-report``'s file (and ``coverage --json``)."""
    return CoverageReport.model_json_schema()
