"""Which of Verifik's documented answers a suite exercised: the answers a contract documents
(``documented``), the ones a mock gave (``exercised``) and the report of both (``report``)."""

from verifik_mock.answer_coverage.documented import Answer, AnswerKey, documented_answers
from verifik_mock.answer_coverage.exercised import AnswersSeen, answer_key
from verifik_mock.answer_coverage.report import (
    CoverageReport,
    coverage_report,
    headline,
    never_seen_table,
)

__all__ = [
    "Answer",
    "AnswerKey",
    "AnswersSeen",
    "CoverageReport",
    "answer_key",
    "coverage_report",
    "documented_answers",
    "headline",
    "never_seen_table",
]
