"""Proofreading for official-register Chinese: conversion artefacts, outdated
formulations, punctuation and heading structure.

The rules are YAML data in drafter/check/rules/; this package is the engine.
Importing it is cheap: rules load on the first check, python-docx only when a
.docx is read.
"""

from drafter.check.engine import (
    apply_fixes,
    check_answer,
    check_document,
    check_text,
    detect_year,
    resolve_year,
)
from drafter.check.model import CATEGORIES, CATEGORY_LABELS, CONFIDENCES, Finding
from drafter.check.report import summary_line
from drafter.check.source import read_source

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "CONFIDENCES",
    "Finding",
    "apply_fixes",
    "check_answer",
    "check_document",
    "check_text",
    "detect_year",
    "read_source",
    "resolve_year",
    "summary_line",
]
